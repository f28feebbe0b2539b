--TEST--
acl: randomized users, teams, roles, portal users and dialogs; can_chat for every pair and partners for every actor against a plain-PHP reference
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/acl.inc';

/* Three worlds that together hold every kind of actor (admin, super-admin, portal, regular at each
 * level with and without portal permission, refused and unknown actors). */
const SEEDS = [8, 10, 12];
const USERS = 40;

function pick(array $a) { return $a[mt_rand(0, count($a) - 1)]; }
function chance(int $percent): bool { return mt_rand(1, 100) <= $percent; }
/** $k distinct values of $a (seeded). */
function some(array $a, int $k): array
{
    $out = [];
    while (count($out) < min($k, count($a))) {
        $out[pick($a)] = true;
    }
    return array_keys($out);
}

/** Builds a random world in the database; returns it as plain data for the reference. */
function build_world(PDO $pdo, int $seed): array
{
    $w = ['users' => [], 'teams' => [], 'teamUser' => [], 'roles' => [], 'roleUser' => [], 'roleTeam' => [],
          'dialogs' => [], 'dialogUser' => [], 'baseline' => null];
    $firsts = ['Ann', 'Anna', 'ann', 'Bo', 'Bob', 'Carl', '', '', 'Dora', 'Eve', 'Zoe', 'Al'];
    $lasts = ['Test', 'Adams', 'Smith', '', 'Zed', 'test', 'Al'];
    for ($i = 0; $i < USERS; $i++) {
        $r = mt_rand(1, 100);
        $type = $r <= 52 ? 'regular' : ($r <= 62 ? 'admin' : ($r <= 68 ? 'super-admin' : ($r <= 84 ? 'portal'
            : ($r <= 91 ? 'api' : ($r <= 97 ? 'system' : 'robot')))));
        $u = ['id' => sprintf('s%du%02d', $seed, $i), 'userName' => sprintf('user%02d', $i), 'type' => $type,
              'active' => !chance(12), 'deleted' => chance(8), 'first' => pick($firsts), 'last' => pick($lasts)];
        ec_user($pdo, $u['userName'], $type, ['id' => $u['id'], 'isActive' => $u['active'] ? 1 : 0,
            'firstName' => $u['first'], 'lastName' => $u['last']]);
        if ($u['deleted']) {
            acl_sql($pdo, 'UPDATE `user` SET deleted = TRUE WHERE id = ?', [$u['id']]);
        }
        $w['users'][$u['id']] = $u;
    }
    $userIds = array_keys($w['users']);

    for ($t = 0; $t < 7; $t++) {
        $id = "team$t";
        $w['teams'][$id] = ['deleted' => chance(15)];
        ec_insert($pdo, 'team', ['id' => $id, 'name' => $id, 'deleted' => $w['teams'][$id]['deleted']]);
    }
    foreach ($userIds as $userId) {
        foreach (some(array_keys($w['teams']), mt_rand(0, 3)) as $teamId) {
            $row = ['team' => $teamId, 'user' => $userId, 'deleted' => chance(10)];
            $w['teamUser'][] = $row;
            ec_insert($pdo, 'team_user', ['team_id' => $teamId, 'user_id' => $userId, 'deleted' => $row['deleted']]);
        }
    }

    $userValues = ['missing', false, true, 'all', 'team', 'own', 'no', 'not-set', 'broken', 'null', 'team', 'own'];
    for ($k = 0; $k < 12; $k++) {
        $id = sprintf('role%02d', $k);
        $role = ['user' => pick($userValues), 'portal' => pick(['yes', 'no', 'not-set', null, 'not-set']), 'deleted' => chance(10)];
        $data = match (true) {
            $role['user'] === 'missing' => '{"Account":{"read":"all"}}',
            $role['user'] === 'broken' => '{"User":{"read":',
            $role['user'] === 'null' => null,
            is_bool($role['user']) => json_encode(['User' => $role['user']]),
            default => json_encode(['User' => ['read' => $role['user'], 'edit' => 'no'], 'Team' => false]),
        };
        ec_insert($pdo, 'role', ['id' => $id, 'name' => $id, 'deleted' => $role['deleted'], 'data' => $data,
            'portal_permission' => $role['portal']]);
        $w['roles'][$id] = $role;
    }
    $roleIds = array_keys($w['roles']);
    foreach ($userIds as $userId) {
        foreach (some($roleIds, mt_rand(0, 2)) as $roleId) {
            $row = ['role' => $roleId, 'user' => $userId, 'deleted' => chance(10)];
            $w['roleUser'][] = $row;
            ec_insert($pdo, 'role_user', ['role_id' => $roleId, 'user_id' => $userId, 'deleted' => $row['deleted']]);
        }
    }
    foreach (array_keys($w['teams']) as $teamId) {
        foreach (some($roleIds, mt_rand(0, 2)) as $roleId) {
            $row = ['role' => $roleId, 'team' => $teamId, 'deleted' => chance(10)];
            $w['roleTeam'][] = $row;
            ec_insert($pdo, 'role_team', ['role_id' => $roleId, 'team_id' => $teamId, 'deleted' => $row['deleted']]);
        }
    }
    $w['baseline'] = chance(70) ? pick($roleIds) : null;

    // dialogs: mostly around portal users, so portal actors have someone to reach
    $portalIds = array_values(array_filter($userIds, fn($id) => $w['users'][$id]['type'] === 'portal'));
    for ($d = 0; $d < 12; $d++) {
        $id = "dlg$d";
        $members = some($userIds, mt_rand(1, 4));
        if ($portalIds && chance(80)) {
            $members = array_values(array_unique(array_merge([pick($portalIds)], $members)));
        }
        $w['dialogs'][$id] = ['deleted' => chance(10)];
        ec_insert($pdo, 'dialog', ['id' => $id, 'deleted' => $w['dialogs'][$id]['deleted'], 'type' => 'Group', 'name' => $id]);
        foreach ($members as $userId) {
            $row = ['dialog' => $id, 'user' => $userId, 'deleted' => chance(10)];
            $w['dialogUser'][] = $row;
            ec_insert($pdo, 'dialog_user', ['dialog_id' => $id, 'user_id' => $userId, 'deleted' => $row['deleted']]);
        }
    }
    return $w;
}

/* ---- the reference: the rules of docs/acl.md, in plain PHP over the data above ---- */

const LEVELS = ['no' => 0, 'own' => 1, 'team' => 2, 'all' => 3];

function ref_teams(array $w, string $userId): array
{
    $teams = [];
    foreach ($w['teamUser'] as $row) {
        if ($row['user'] === $userId && !$row['deleted'] && !$w['teams'][$row['team']]['deleted']) {
            $teams[$row['team']] = true;
        }
    }
    return $teams;
}

/** [userRead level 0..3, portal bool] from the tables, for a regular user. */
function ref_table_levels(array $w, string $userId): array
{
    $roles = [];
    if ($w['baseline'] !== null) {
        $roles[$w['baseline']] = true;
    }
    foreach ($w['roleUser'] as $row) {
        if ($row['user'] === $userId && !$row['deleted']) {
            $roles[$row['role']] = true;
        }
    }
    $teams = ref_teams($w, $userId);
    foreach ($w['roleTeam'] as $row) {
        if (isset($teams[$row['team']]) && !$row['deleted']) {
            $roles[$row['role']] = true;
        }
    }
    $read = null;
    $portal = false;
    foreach (array_keys($roles) as $roleId) {
        $role = $w['roles'][$roleId];
        if ($role['deleted']) {
            continue;
        }
        $level = $role['user'] === false ? 0 : (is_string($role['user']) ? (LEVELS[$role['user']] ?? null) : null);
        if ($level !== null && ($read === null || $level > $read)) {
            $read = $level;
        }
        $portal = $portal || $role['portal'] === 'yes';
    }
    return [$read ?? LEVELS['own'], $portal];
}

/** The actor's state: an exception class name, or [type, read, portal]. */
function ref_actor(array $w, string $actorId, array $acl, bool $portalEnabled)
{
    $u = $w['users'][$actorId];
    if ($u['deleted']) {
        return 'EblaChat\NotFoundException';
    }
    if (!in_array($u['type'], ['regular', 'admin', 'super-admin', 'portal'], true) || !$u['active']
        || ($u['type'] === 'portal' && !$portalEnabled)) {
        return 'EblaChat\ForbiddenException';
    }
    if ($u['type'] !== 'regular') {
        return [$u['type'], 3, true];
    }
    [$read, $portal] = ref_table_levels($w, $actorId);
    if (isset($acl['userRead'])) {
        $read = LEVELS[$acl['userRead']];
    }
    if (isset($acl['portal'])) {
        $portal = $acl['portal'] === 'yes';
    }
    return ['regular', $read, $portal];
}

function ref_share_dialog(array $w, string $a, string $b): bool
{
    $of = function (string $userId) use ($w) {
        $ds = [];
        foreach ($w['dialogUser'] as $row) {
            if ($row['user'] === $userId && !$row['deleted'] && !$w['dialogs'][$row['dialog']]['deleted']) {
                $ds[$row['dialog']] = true;
            }
        }
        return $ds;
    };
    return (bool) array_intersect_key($of($a), $of($b));
}

/** May the (usable) actor chat with $b (not deleted)? */
function ref_can(array $w, string $a, array $actor, string $b, bool $portalEnabled): bool
{
    [$type, $read, $portal] = $actor;
    $ub = $w['users'][$b];
    if ($a === $b || !$ub['active'] || !in_array($ub['type'], ['regular', 'admin', 'super-admin', 'portal'], true)) {
        return false;
    }
    if ($type === 'portal') {
        return ref_share_dialog($w, $a, $b);
    }
    if ($ub['type'] === 'super-admin') {
        return $type === 'super-admin';
    }
    if ($ub['type'] === 'portal') {
        return $portalEnabled && $portal && $read > LEVELS['no'];
    }
    if ($type !== 'regular' || $read === LEVELS['all']) {
        return true;
    }
    return $read === LEVELS['team'] && (bool) array_intersect_key(ref_teams($w, $a), ref_teams($w, $b));
}

function ref_name(array $u): string
{
    if ($u['first'] !== '' && $u['last'] !== '') {
        return $u['first'] . ' ' . $u['last'];
    }
    return $u['first'] !== '' ? $u['first'] : ($u['last'] !== '' ? $u['last'] : $u['userName']);
}

function ref_matches(array $u, string $search): bool
{
    $p = strtolower(trim($search));
    foreach ([$u['first'], $u['last'], $u['userName'], ref_name($u)] as $field) {
        if ($p === '' || str_starts_with(strtolower($field), $p)) {
            return true;
        }
    }
    return false;
}

/** Ids of the actor's partners matching $search, in the documented order. */
function ref_partners(array $w, string $a, array $actor, bool $portalEnabled, string $search): array
{
    $ids = [];
    foreach ($w['users'] as $id => $u) {
        if (!$u['deleted'] && ref_can($w, $a, $actor, $id, $portalEnabled) && ref_matches($u, $search)) {
            $ids[] = $id;
        }
    }
    usort($ids, fn($x, $y) => [strtolower(ref_name($w['users'][$x])), $x] <=> [strtolower(ref_name($w['users'][$y])), $y]);
    return $ids;
}

/* ---- the check ---- */

function check_world(PDO $pdo, array $w, array $acls, bool $portalEnabled, array &$stats, array &$mismatches): void
{
    $fail = function (string $what) use (&$mismatches) {
        if (count($mismatches) < 10) {
            $mismatches[] = $what;
        }
        $mismatches['count'] = ($mismatches['count'] ?? 0) + 1;
    };
    $call = function (callable $fn) {
        try {
            return $fn();
        } catch (EblaChat\Exception $e) {
            return get_class($e);
        }
    };
    foreach ($w['users'] as $a => $ua) {
        $opts = isset($acls[$a]) ? ['acl' => $acls[$a]] : [];
        $actor = ref_actor($w, $a, $acls[$a] ?? [], $portalEnabled);
        $stats['actors']++;
        if (is_string($actor)) {
            $got = $call(fn() => ebla_chat_partners($pdo, $a, $opts));
            $got2 = $call(fn() => ebla_chat_can_chat($pdo, $a, array_key_first($w['users']), $opts));
            if ($got !== $actor || $got2 !== $actor) {
                $fail("actor $a: expected $actor, got " . (is_string($got) ? $got : 'a list') . ' / ' . var_export($got2, true));
            }
            continue;
        }
        foreach ($w['users'] as $b => $ub) {
            $expected = $ub['deleted'] ? 'EblaChat\NotFoundException' : ref_can($w, $a, $actor, $b, $portalEnabled);
            $got = $call(fn() => ebla_chat_can_chat($pdo, $a, $b, $opts));
            $stats['pairs']++;
            if ($got !== $expected) {
                $fail("can_chat($a, $b): expected " . var_export($expected, true) . ', got ' . var_export($got, true));
            }
        }
        $searches = ['', pick(['a', 'an', 'ann', 'B', 'zed', 'te', 'ann t', 'al', 'user1', 'USER0', 'ad', 'eve '])];
        foreach ($searches as $search) {
            $expected = ref_partners($w, $a, $actor, $portalEnabled, $search);
            $got = ebla_chat_partners($pdo, $a, $opts + ['search' => $search, 'limit' => 200]);
            $stats['lists']++;
            if (array_column($got['list'], 'id') !== $expected || $got['total'] !== count($expected)) {
                $fail("partners($a, '$search'): expected " . implode(',', $expected) . ', got ' . implode(',', array_column($got['list'], 'id')));
            }
        }
        $limit = mt_rand(1, 7);
        $offset = mt_rand(0, 12);
        $got = ebla_chat_partners($pdo, $a, $opts + ['limit' => $limit, 'offset' => $offset]);
        $stats['lists']++;
        if (array_column($got['list'], 'id') !== array_slice(ref_partners($w, $a, $actor, $portalEnabled, ''), $offset, $limit)) {
            $fail("partners($a, limit $limit, offset $offset)");
        }
    }
}

/** Builds the world of $seed and checks it in three phases; prints one summary line. */
function run_seed(PDO $pdo, int $seed, array &$kinds): void
{
    mt_srand($seed);
    $w = build_world($pdo, $seed);
    ini_set('ebla_chat.baseline_role_id', $w['baseline'] ?? '');
    $stats = ['actors' => 0, 'pairs' => 0, 'lists' => 0];
    $mismatches = [];

    // 1. the tables alone
    check_world($pdo, $w, [], true, $stats, $mismatches);
    // 2. the caller's acl option over the tables (for every user; ignored for admins, refused actors)
    $acls = [];
    foreach (array_keys($w['users']) as $id) {
        $acl = [];
        if (chance(70)) {
            $acl['userRead'] = pick(array_keys(LEVELS));
        }
        if (chance(50)) {
            $acl['portal'] = pick(['yes', 'no']);
        }
        $acls[$id] = $acl;
    }
    check_world($pdo, $w, $acls, true, $stats, $mismatches);
    // 3. portal users shut out
    ini_set('ebla_chat.portal_enabled', '0');
    check_world($pdo, $w, $acls, false, $stats, $mismatches);
    ini_restore('ebla_chat.portal_enabled');
    ini_restore('ebla_chat.baseline_role_id');

    $count = $mismatches['count'] ?? 0;
    unset($mismatches['count']);
    echo "seed $seed: actors checked: {$stats['actors']}, pairs checked: {$stats['pairs']}, partner lists: {$stats['lists']}, mismatches: $count\n";
    foreach ($mismatches as $m) {
        echo "  $m\n";
    }
    foreach (array_keys($w['users']) as $a) {
        $actor = ref_actor($w, $a, [], true);
        $kinds[is_array($actor) ? $actor[0] . ($actor[0] === 'regular' ? '/' . array_search($actor[1], LEVELS) . ($actor[2] ? '+portal' : '') : '') : $actor] = true;
    }
}

acl_run(function (PDO $pdo) {
    $kinds = [];
    foreach (SEEDS as $seed) {
        // each world in its own tables; user ids differ from world to world, as the permission
        // data of an actor is cached for the whole request
        foreach (['dialog_user', 'dialog', 'role_team', 'role_user', 'role', 'team_user', 'team', 'user'] as $table) {
            acl_sql($pdo, "DELETE FROM `$table`");
        }
        run_seed($pdo, $seed, $kinds);
    }
    // the worlds are not degenerate: each kind of actor occurs
    ksort($kinds);
    echo 'actor kinds: ', implode(', ', array_keys($kinds)), "\n";
});
?>
--EXPECT--
seed 8: actors checked: 120, pairs checked: 3000, partner lists: 225, mismatches: 0
seed 10: actors checked: 120, pairs checked: 2480, partner lists: 186, mismatches: 0
seed 12: actors checked: 120, pairs checked: 3080, partner lists: 231, mismatches: 0
actor kinds: EblaChat\ForbiddenException, EblaChat\NotFoundException, admin, portal, regular/all, regular/all+portal, regular/no, regular/no+portal, regular/own, regular/own+portal, regular/team, regular/team+portal, super-admin
<?php
/*
 * End-to-end suite of the Ebla Chat package against an installed EspoCRM.
 *
 *   php tests/espocrm/run.php --url=http://127.0.0.1:8080 --root=/var/www/espocrm --admin=admin:PASS
 *       [--php=PHP]            the PHP (with ebla_chat) that runs command.php; default: EspoCRM's
 *                              phpExecutablePath, else this PHP
 *       [--plain-php=PHP]      a PHP without ebla_chat, for the refused install (default: this PHP binary, without -d)
 *       [--ws=ws://host:port]  the WebSocket daemon (default: EspoCRM's webSocketUrl); "none" skips
 *       [--zip=FILE]           the package (default: built now with espocrm/build.php)
 *       [--messages=N]         posts measured over WebSocket (default 200)
 *       [--redis-stop=CMD --redis-start=CMD]  stop/start the instance's Redis for the outage test
 *       [--daemon-restart=CMD] restart the WebSocket daemon (returns once it is started)
 *       [--plain-url=URL]      the same EspoCRM served by a PHP without ebla_chat: the web install
 *                              is refused, EspoCRM keeps working without the engine
 *       [--uninstall]          also uninstall (data kept) and install again, then restore the
 *                              WebSocket settings the uninstall switched off
 *       [--browser=DIR [--chromium=PATH]]  also check EspoCRM's own UI in Chromium (DIR holds
 *                              node_modules/playwright-core; browser.js)
 *       [--outage=SECONDS]     length of that outage (default 3)
 *       [--report=FILE]        also write the results as Markdown
 *
 * It installs the zip (refused first without the extension), checks the tables against what the
 * engine needs (and again after "php command.php rebuild", which must also keep the engine's own
 * dialog_reader), checks the dialogs already there (every user's bell against an SQL recount, the
 * first page of every user's list against the full sort; again at the end, with the consistency
 * checker over the whole database), creates teams, roles and users
 * through EspoCRM's API, drives every route of the chat API as two users (and others), checks
 * EspoCRM's own endpoints (list, stream, attachments, notes, relationships, notifications, popups)
 * and measures post-to-WebSocket latency and loss. Exit status 0 when every check passed.
 * The EspoCRM instance must serve the API and (unless --ws=none) run its WebSocket daemon with
 * the EblaRedis messager. It creates records (names start with "e2e"); it deletes nothing.
 */

require __DIR__ . '/lib.php';
require __DIR__ . '/schema.php';
require dirname(__DIR__) . '/consistency.inc';

$opt = [];

foreach (array_slice($argv, 1) as $arg) {
    if (!preg_match('/^--([a-z-]+)(?:=(.*))?$/s', $arg, $m)) {
        fwrite(STDERR, "unknown argument $arg\n");
        exit(2);
    }

    $opt[$m[1]] = $m[2] ?? '1';
}

foreach (['url', 'root', 'admin'] as $required) {
    if (empty($opt[$required])) {
        fwrite(STDERR, "usage: php tests/espocrm/run.php --url=URL --root=ESPOCRM_ROOT --admin=USER:PASS [options]\n");
        exit(2);
    }
}

$root = rtrim($opt['root'], '/');
$config = (include "$root/data/config.php") + (is_file("$root/data/config-internal.php") ? include "$root/data/config-internal.php" : []);
$php = $opt['php'] ?? ($config['phpExecutablePath'] ?? PHP_BINARY);
$plainPhp = $opt['plain-php'] ?? PHP_BINARY;

if (!extension_loaded('ebla_chat')) {
    // The schema checks call the engine: run again with the PHP that has it.
    passthru(escapeshellarg($php) . ' ' . implode(' ', array_map('escapeshellarg', $argv)), $status);
    exit($status);
}

[$adminUser, $adminPass] = explode(':', $opt['admin'], 2);
$apiUrl = rtrim($opt['url'], '/') . '/api/v1/';
$admin = new Api($apiUrl, $adminUser, $adminPass);
$t = new Checks();
$figures = [];
$started = microtime(true);
$run = substr(bin2hex(random_bytes(4)), 0, 6);

function espoCommand(string $php, string $root, string $args): array
{
    $out = [];
    exec('cd ' . escapeshellarg($root) . ' && ' . $php . ' command.php ' . $args . ' 2>&1', $out, $status);

    return [$status, implode("\n", $out)];
}

function espoPdo(array $config): PDO
{
    $db = $config['database'];
    $pg = strtolower($db['platform'] ?? 'Mysql') === 'postgresql';
    $dsn = ($pg ? 'pgsql' : 'mysql') . ':host=' . $db['host'] . (empty($db['port']) ? '' : ';port=' . $db['port']) .
        ';dbname=' . $db['dbname'] . ($pg ? '' : ';charset=utf8mb4');

    return new PDO($dsn, $db['user'], $db['password'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
}

/**
 * Dialogs made before this install (earlier runs, an older version of the package): every user's
 * bell equals an SQL recount (live messages above the membership's last read number, muted
 * dialogs listed but not in the total), and the first page of every user's dialog list equals
 * the same page sorted in full (a caller's transaction makes the engine sort every membership).
 * The first call after an upgrade from a version without unread hints is each user's catch-up.
 */
function existingDataChecks(Checks $t, PDO $pdo, string $when): void
{
    $pg = $pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'pgsql';
    [$false, $true, $user] = $pg ? ['false', 'true', '"user"'] : ['0', '1', '`user`'];
    $want = [];

    foreach ($pdo->query(
        "SELECT du.user_id, du.dialog_id, du.is_muted, COUNT(n.id) FROM dialog_user du " .
        "JOIN dialog d ON d.id = du.dialog_id AND (d.deleted IS NULL OR d.deleted = $false) " .
        "JOIN $user u ON u.id = du.user_id AND u.deleted = $false AND u.is_active = $true " .
        "LEFT JOIN note n ON n.parent_type = 'Dialog' AND n.parent_id = du.dialog_id AND n.type = 'Post' " .
        "AND n.deleted = $false AND n.number > du.last_read_number " .
        "WHERE du.deleted = $false GROUP BY du.user_id, du.dialog_id, du.is_muted",
        PDO::FETCH_NUM
    ) as [$userId, $dialogId, $muted, $unread]) {
        $want[$userId] ??= ['total' => 0, 'dialogs' => []];

        if ((int) $unread > 0) {
            $want[$userId]['dialogs'][$dialogId] = (int) $unread;
            $want[$userId]['total'] += $muted && $muted !== 'f' ? 0 : (int) $unread;
        }
    }

    $bells = $lists = [];
    $row = fn (array $d) => [$d['id'], $d['unread'], $d['mentions'], $d['muted'], $d['lastMessage']['number'] ?? null];

    foreach ($want as $userId => $w) {
        $got = ebla_chat_unread($pdo, $userId);
        $dialogs = $got['dialogs'];
        ksort($dialogs);
        ksort($w['dialogs']);

        if ($got['total'] !== $w['total'] || $dialogs !== $w['dialogs']) {
            $bells[] = "$userId: engine " . json_encode($got) . ', recount ' . json_encode($w);
        }

        $page = ebla_chat_dialog_list($pdo, $userId, ['limit' => 20]);
        $pdo->beginTransaction();
        $sorted = ebla_chat_dialog_list($pdo, $userId, ['limit' => 20]);
        $pdo->rollBack();

        if ($page['total'] !== $sorted['total'] || array_map($row, $page['list']) !== array_map($row, $sorted['list'])) {
            $lists[] = "$userId: first page " . json_encode(array_column($page['list'], 'id')) . " of {$page['total']}, " .
                'sorted ' . json_encode(array_column($sorted['list'], 'id')) . " of {$sorted['total']}";
        }
    }

    $n = count($want);
    $t->ok("earlier dialogs, $when: the bells of the $n users with memberships equal an SQL recount", $bells === [], implode("\n", array_slice($bells, 0, 5)));
    $t->ok("earlier dialogs, $when: their lists' first pages equal the full sort", $lists === [], implode("\n", array_slice($lists, 0, 5)));
}

echo "== install\n";
$zip = $opt['zip'] ?? null;

if ($zip === null) {
    $out = [];
    exec(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(dirname(__DIR__, 2) . '/espocrm/build.php') .
        ' --out=' . escapeshellarg(sys_get_temp_dir() . "/ebla-chat-e2e-$run"), $out, $status);
    $zip = trim(end($out) ?: '');
    $t->ok('package builds', $status === 0 && is_file($zip), implode("\n", $out));
}

[$status, $out] = espoCommand($plainPhp, $root, 'extension --file=' . escapeshellarg($zip));
$t->ok('install refused without the extension (CLI)', $status !== 0 && str_contains($out, 'pecl install ebla_chat'), $out);
[$status, $out] = espoCommand($php, $root, 'extension --file=' . escapeshellarg($zip));
$t->ok('install with the extension', $status === 0 && str_contains($out, 'installed'), $out);

$after = include "$root/data/config.php";
$t->ok('no maintenance mode left after the installs', empty($after['maintenanceMode']), 'maintenanceMode is on');
$pdo = espoPdo($config);
$expected = chatSchemaExpected();

foreach ($expected as $table => $want) {
    $diff = chatSchemaDiff($table, $want, chatSchemaLive($pdo, $table));
    $t->ok("table $table as the engine needs it after install", $diff === [], implode('; ', $diff));
}

$diff = chatSchemaDiff('dialog_reader', chatReaderExpected(), chatSchemaLive($pdo, 'dialog_reader'));
$t->ok('table dialog_reader (the engine\'s own) made by the install', $diff === [], implode('; ', $diff));
$t->ok('ebla_chat_schema() has nothing to do after install', ($ran = ebla_chat_schema($pdo)) === [], implode('; ', $ran));
existingDataChecks($t, $pdo, 'after install');
$readers = (int) $pdo->query('SELECT COUNT(*) FROM dialog_reader')->fetchColumn();
[$status, $out] = espoCommand($php, $root, 'rebuild');
$t->ok('php command.php rebuild', $status === 0, $out);

foreach ($expected as $table => $want) {
    $diff = chatSchemaDiff($table, $want, chatSchemaLive($pdo, $table));
    $t->ok("table $table unchanged after rebuild", $diff === [], implode('; ', $diff));
}

$diff = chatSchemaDiff('dialog_reader', chatReaderExpected(), chatSchemaLive($pdo, 'dialog_reader'));
$t->ok('table dialog_reader and its rows kept by the rebuild', $diff === [] &&
    (int) $pdo->query('SELECT COUNT(*) FROM dialog_reader')->fetchColumn() === $readers, implode('; ', $diff));
$t->ok('ebla_chat_schema() has nothing to do after rebuild', ($ran = ebla_chat_schema($pdo)) === [], implode('; ', $ran));

echo "== users, teams, roles (through EspoCRM's API)\n";
$password = 'E2e-' . $run . '-pass';

function must(Checks $t, string $name, Reply $r, int $status = 200): array
{
    $t->ok($name, $r->status === $status, $r->describe());

    return is_array($r->body) ? $r->body : [];
}

$teamA = must($t, 'create team A', $admin->post('Team', ['name' => "e2e $run team A"]))['id'] ?? '';
$teamB = must($t, 'create team B', $admin->post('Team', ['name' => "e2e $run team B"]))['id'] ?? '';
$recordAccess = ['create' => 'no', 'read' => 'all', 'edit' => 'no', 'delete' => 'no', 'stream' => 'all'];
$roleOwn = must($t, 'create role: Dialog read own, User read team', $admin->post('Role', [
    'name' => "e2e $run chat own",
    'data' => ['Dialog' => ['create' => 'yes', 'read' => 'own', 'stream' => 'own'], 'User' => ['read' => 'team'], 'Account' => $recordAccess],
    'fieldData' => new stdClass(),
    'userPermission' => 'team',
    'portalPermission' => 'no',
]))['id'] ?? '';
$roleAll = must($t, 'create role: Dialog read all, User read team', $admin->post('Role', [
    'name' => "e2e $run chat all",
    'data' => ['Dialog' => ['create' => 'yes', 'read' => 'all', 'stream' => 'all'], 'User' => ['read' => 'team'], 'Account' => $recordAccess],
    'fieldData' => new stdClass(),
    'userPermission' => 'team',
    'portalPermission' => 'no',
]))['id'] ?? '';
$roleNone = must($t, 'create role: no Dialog', $admin->post('Role', [
    'name' => "e2e $run no chat",
    'data' => ['Dialog' => false, 'User' => ['read' => 'all'], 'Account' => $recordAccess],
    'fieldData' => new stdClass(),
]))['id'] ?? '';

$rolePortalReach = must($t, 'create role: Dialog read own, portal permission yes', $admin->post('Role', [
    'name' => "e2e $run chat portal",
    'data' => ['Dialog' => ['create' => 'yes', 'read' => 'own'], 'User' => ['read' => 'team']],
    'fieldData' => new stdClass(),
    'portalPermission' => 'yes',
]))['id'] ?? '';
$users = [];

foreach ([
    'alice' => [[$teamA], [$roleOwn]],
    'bob' => [[$teamA], [$roleOwn]],
    'carol' => [[$teamB], [$roleAll]],
    'dave' => [[$teamA], [$roleNone]],
    'erin' => [[$teamA], [$rolePortalReach]],
] as $name => [$teams, $roles]) {
    $body = must($t, "create user $name", $admin->post('User', [
        'userName' => "e2e$run$name",
        'firstName' => ucfirst($name),
        'lastName' => "E2e$run",
        'type' => 'regular',
        'isActive' => true,
        'password' => $password,
        'passwordConfirm' => $password,
        'teamsIds' => $teams,
        'rolesIds' => $roles,
    ]));
    $users[$name] = ['id' => $body['id'] ?? '', 'api' => new Api($apiUrl, "e2e$run$name", $password), 'name' => ucfirst($name) . " E2e$run"];
}

$alice = $users['alice']['api'];
$bob = $users['bob']['api'];
$carol = $users['carol']['api'];
$dave = $users['dave']['api'];
$aliceId = $users['alice']['id'];
$bobId = $users['bob']['id'];
$carolId = $users['carol']['id'];

echo "== chat API as alice and bob\n";
$r = $alice->get('EblaChat/partners');
$partnerIds = array_column($r->body['list'] ?? [], 'id');
$t->ok('partners: alice (User read team) reaches bob, not carol', $r->status === 200 && in_array($bobId, $partnerIds) && !in_array($carolId, $partnerIds), $r->describe());
$r = $alice->get('EblaChat/partners', ['q' => 'Bo']);
$t->ok('partners ?q= searches by name', $r->status === 200 && array_column($r->body['list'] ?? [], 'id') === [$bobId], $r->describe());

$direct = must($t, 'POST dialogs: direct dialog alice-bob', $alice->post('EblaChat/dialogs', ['memberIds' => [$bobId]]));
$dialogId = $direct['id'] ?? '';
$r = $bob->post('EblaChat/dialogs', ['memberIds' => [$aliceId]]);
$t->ok('POST dialogs: the direct dialog is reused (from the other side too)', $r->status === 200 && ($r->body['id'] ?? '') === $dialogId, $r->describe());
$t->ok('direct dialog is called after the other member', ($direct['name'] ?? '') === $users['bob']['name'] && ($r->body['name'] ?? '') === $users['alice']['name'], json_encode([$direct['name'] ?? null, $r->body['name'] ?? null]));
$r = $alice->post('EblaChat/dialogs', ['memberIds' => [$carolId]]);
$t->ok('POST dialogs: a user outside the reach is refused (403)', $r->status === 403 && $r->reason() !== '', $r->describe());
$r = $dave->get('EblaChat/dialogs');
$t->ok('no Dialog scope: GET dialogs is 403', $r->status === 403, $r->describe());
$r = $dave->get('EblaChat/unread');
$t->ok('no Dialog scope: GET unread is 403', $r->status === 403, $r->describe());

$m1 = must($t, 'POST messages', $alice->post("EblaChat/dialogs/$dialogId/messages", ['text' => "hello @e2e{$run}bob"]));
$t->ok('message row: number, author, mention of bob', ($m1['authorId'] ?? '') === $aliceId && ($m1['number'] ?? 0) > 0 && ($m1['mentions'] ?? []) === [$bobId], json_encode($m1));
$r = $bob->get('EblaChat/unread');
$t->ok('GET unread (bob): 1 in the dialog', $r->status === 200 && ($r->body['total'] ?? null) === 1 && ($r->body['dialogs'][$dialogId] ?? null) === 1, $r->describe());
$r = $alice->get('EblaChat/unread');
$t->ok('GET unread (alice, the author): dialogs is an empty object', $r->status === 200 && $r->raw === '{"total":0,"dialogs":{}}', $r->raw);
$r = $bob->get('EblaChat/dialogs');
$row = null;

foreach ($r->body['list'] ?? [] as $item) {
    if ($item['id'] === $dialogId) {
        $row = $item;
    }
}

$t->ok('GET dialogs (bob): the dialog with unread 1, mentions 1, last message', $row !== null && $row['unread'] === 1 && $row['mentions'] === 1 && ($row['lastMessage']['id'] ?? '') === ($m1['id'] ?? '-'), $r->describe());
$r = $bob->get('EblaChat/dialogs', ['unreadOnly' => 'true', 'maxSize' => 5]);
$t->ok('GET dialogs ?unreadOnly&maxSize', $r->status === 200 && ($r->body['total'] ?? 0) >= 1, $r->describe());
$r = $bob->get("EblaChat/dialogs/$dialogId");
$t->ok('GET dialogs/:id (member)', $r->status === 200 && ($r->body['id'] ?? '') === $dialogId, $r->describe());
$r = $carol->get("EblaChat/dialogs/$dialogId");
$t->ok('GET dialogs/:id (non-member): 403', $r->status === 403, $r->describe());
$r = $bob->get('EblaChat/dialogs/0123456789abcdef0');
$t->ok('GET dialogs/:id (unknown): 404 with a reason', $r->status === 404 && $r->reason() !== '', $r->describe());
$r = $bob->get("EblaChat/dialogs/$dialogId/members");
$t->ok('GET dialogs/:id/members', $r->status === 200 && ($r->body['total'] ?? 0) === 2 && in_array($aliceId, array_column($r->body['list'] ?? [], 'id')), $r->describe());

$m2 = must($t, 'POST messages (bob)', $bob->post("EblaChat/dialogs/$dialogId/messages", ['text' => 'hi alice']));
$r = $alice->get("EblaChat/dialogs/$dialogId/messages");
$numbers = array_column($r->body['list'] ?? [], 'number');
$t->ok('GET messages: newest first', $r->status === 200 && count($numbers) === 2 && $numbers[0] > $numbers[1], $r->describe());
$r = $alice->get("EblaChat/dialogs/$dialogId/messages", ['before' => $m2['number'] ?? 0, 'maxSize' => 1]);
$t->ok('GET messages ?before&maxSize', $r->status === 200 && array_column($r->body['list'] ?? [], 'id') === [$m1['id'] ?? ''], $r->describe());
$r = $alice->get("EblaChat/dialogs/$dialogId/messages", ['after' => $m1['number'] ?? 0]);
$t->ok('GET messages ?after', $r->status === 200 && array_column($r->body['list'] ?? [], 'id') === [$m2['id'] ?? ''], $r->describe());
$r = $alice->get("EblaChat/dialogs/$dialogId/messages", ['maxSize' => 'x']);
$t->ok('GET messages ?maxSize=x: 400', $r->status === 400, $r->describe());
$r = $alice->post("EblaChat/dialogs/$dialogId/messages", '{"text": ');
$t->ok('POST messages with invalid JSON: 400 (not 500)', $r->status === 400 && $r->reason() !== '', $r->describe());
$r = $alice->post("EblaChat/dialogs/$dialogId/messages", ['text' => '']);
$t->ok('POST messages without text or attachment: 400', $r->status === 400, $r->describe());
$r = $alice->post("EblaChat/dialogs/$dialogId/messages", ['text' => str_repeat('x', 70000)]);
$t->ok('POST messages over the length limit: 400 with the engine\'s reason', $r->status === 400 && $r->reason() !== '', $r->describe());
$r = $alice->post("EblaChat/dialogs/$dialogId/messages", ['text' => 1]);
$t->ok('POST messages with a number as text: 400', $r->status === 400, $r->describe());
$r = $carol->post("EblaChat/dialogs/$dialogId/messages", ['text' => 'intruder']);
$t->ok('POST messages (non-member): 403', $r->status === 403, $r->describe());

$r = $alice->put('EblaChat/messages/' . ($m1['id'] ?? ''), ['text' => 'hello, edited']);
$t->ok('PUT messages/:id (author)', $r->status === 200 && ($r->body['edited'] ?? false) === true && ($r->body['text'] ?? '') === 'hello, edited', $r->describe());
$r = $bob->put('EblaChat/messages/' . ($m1['id'] ?? ''), ['text' => 'not mine']);
$t->ok('PUT messages/:id (not the author): 403', $r->status === 403, $r->describe());
$r = $bob->delete('EblaChat/messages/' . ($m1['id'] ?? ''));
$t->ok('DELETE messages/:id (not the author): 403', $r->status === 403, $r->describe());

$r = $bob->post("EblaChat/dialogs/$dialogId/read", []);
$t->ok('POST read: {unread 0, mentions 0, lastReadNumber}', $r->status === 200 && $r->body === ['unread' => 0, 'mentions' => 0, 'lastReadNumber' => $m2['number'] ?? -1], $r->describe());
$m3 = must($t, 'POST messages (third)', $alice->post("EblaChat/dialogs/$dialogId/messages", ['text' => 'third']));
$r = $bob->post("EblaChat/dialogs/$dialogId/read", ['number' => $m2['number'] ?? 0]);
$t->ok('POST read {number}: up to a number', $r->status === 200 && ($r->body['unread'] ?? -1) === 1, $r->describe());
$r = $alice->delete('EblaChat/messages/' . ($m3['id'] ?? ''));
$t->ok('DELETE messages/:id (author): true', $r->status === 200 && $r->body === true, $r->describe());
$r = $bob->get('EblaChat/unread');
$t->ok('the deleted message is no longer unread', ($r->body['total'] ?? -1) === 0, $r->describe());

$r = $bob->put("EblaChat/dialogs/$dialogId/mute", ['muted' => true]);
$t->ok('PUT mute', $r->status === 200 && ($r->body['muted'] ?? false) === true, $r->describe());
$alice->post("EblaChat/dialogs/$dialogId/messages", ['text' => 'while muted']);
$r = $bob->get('EblaChat/unread');
$t->ok('muted: listed but not in the total', ($r->body['total'] ?? -1) === 0 && ($r->body['dialogs'][$dialogId] ?? 0) === 1, $r->describe());
$r = $bob->put("EblaChat/dialogs/$dialogId/mute", ['muted' => 'yes']);
$t->ok('PUT mute {muted: "yes"}: 400', $r->status === 400, $r->describe());
$bob->put("EblaChat/dialogs/$dialogId/mute", ['muted' => false]);
$bob->post("EblaChat/dialogs/$dialogId/read", []);

$r = $bob->get('EblaChat/poll');
$t->ok('GET poll: unread and popups', $r->status === 200 && isset($r->body['unread']) && array_key_exists('popups', $r->body ?? []), $r->describe());
$r = $bob->get('EblaChat/poll', ['dialogId' => $dialogId, 'after' => $m2['number'] ?? 0]);
$t->ok('GET poll ?dialogId&after: new messages', $r->status === 200 && count($r->body['messages'] ?? []) === 1, $r->describe());

echo "== group dialogs and members\n";
$group = must($t, 'POST dialogs: group with a name', $alice->post('EblaChat/dialogs', ['memberIds' => [$bobId], 'name' => "e2e $run group"]));
$groupId = $group['id'] ?? '';
$t->ok('group dialog row', ($group['type'] ?? '') === 'group' && count($group['memberIds'] ?? []) === 2, json_encode($group));
$r = $alice->post("EblaChat/dialogs/$groupId/members", ['userIds' => [$carolId]]);
$t->ok('POST members: a user outside the reach is refused (403)', $r->status === 403, $r->describe());
$alice->post("EblaChat/dialogs/$groupId/messages", ['text' => 'before dave']);
$r = $alice->post("EblaChat/dialogs/$groupId/members", ['userIds' => [$users['dave']['id']]]);
$t->ok('POST members: dave (same team) added', $r->status === 200 && in_array($users['dave']['id'], $r->body['memberIds'] ?? []), $r->describe());
$r = $admin->get("EblaChat/dialogs/$groupId");
$t->ok('admin reads any dialog', $r->status === 200, $r->describe());
$r = $alice->post("EblaChat/dialogs/$dialogId/members", ['userIds' => [$users['dave']['id']]]);
$t->ok('POST members on a direct dialog: 400', $r->status === 400, $r->describe());
$r = $alice->post("EblaChat/dialogs/$groupId/members", ['userIds' => 'x']);
$t->ok('POST members {userIds: "x"}: 400', $r->status === 400, $r->describe());
$r = $alice->delete("EblaChat/dialogs/$groupId/members/$bobId");
$t->ok('DELETE members/:userId: true', $r->status === 200 && $r->body === true, $r->describe());
$r = $bob->get("EblaChat/dialogs/$groupId/messages");
$t->ok('a removed member cannot read (403)', $r->status === 403, $r->describe());

echo "== chat button and parent records\n";
$account = must($t, 'create an Account assigned to bob (admin)', $admin->post('Account', ['name' => "e2e $run account", 'assignedUserId' => $bobId]));
$accountId = $account['id'] ?? '';
$button = must($t, 'POST button: the dialog with the assigned user, linked to the record', $alice->post('EblaChat/button', ['entityType' => 'Account', 'id' => $accountId]));
$t->ok('button dialog: parent and members', ($button['parentType'] ?? '') === 'Account' && ($button['parentId'] ?? '') === $accountId && count(array_intersect($button['memberIds'] ?? [], [$aliceId, $bobId])) === 2, json_encode($button));
$r = $alice->post('EblaChat/button', ['entityType' => 'Account', 'id' => $accountId]);
$t->ok('POST button again: the same dialog', ($r->body['id'] ?? '') === ($button['id'] ?? '-'), $r->describe());
$t->ok('the record\'s dialog is not the plain direct dialog', ($button['id'] ?? '') !== $dialogId);
$r = $bob->post('EblaChat/button', ['entityType' => 'Account', 'id' => $accountId]);
$t->ok('POST button by the assigned user himself: 400', $r->status === 400, $r->describe());
$r = $alice->post('EblaChat/button', ['entityType' => 'Role', 'id' => $roleOwn]);
$t->ok('POST button on a type not in the parent list: 400', $r->status === 400, $r->describe());
$r = $alice->get('EblaChat/dialogs', ['parentType' => 'Account', 'parentId' => $accountId]);
$t->ok('GET dialogs ?parentType&parentId (side panel)', $r->status === 200 && array_column($r->body['list'] ?? [], 'id') === [$button['id'] ?? ''], $r->describe());
$r = $alice->post('EblaChat/dialogs', ['memberIds' => [$bobId], 'parentType' => 'Account', 'parentId' => $accountId, 'name' => "e2e $run about the account"]);
$t->ok('POST dialogs with a parent', $r->status === 200 && ($r->body['parentId'] ?? '') === $accountId, $r->describe());

// The administrator picks the parent types in the Entity Manager (the parent field's entity list).
$parentField = $admin->get('Admin/fieldManager/Dialog/parent')->body ?? [];
$originalList = $parentField['entityList'] ?? [];
$campaign = must($t, 'create a Campaign (admin)', $admin->post('Campaign', ['name' => "e2e $run campaign", 'status' => 'Planning', 'type' => 'Email']));
$r = $admin->post('EblaChat/dialogs', ['memberIds' => [$bobId], 'name' => "e2e $run campaign dialog", 'parentType' => 'Campaign', 'parentId' => $campaign['id'] ?? '']);
$t->ok('a type outside the parent field\'s entity list is refused (400)', $r->status === 400, $r->describe());
$r = $admin->put('Admin/fieldManager/Dialog/parent', ['type' => 'linkParent', 'entityList' => array_merge($originalList, ['Campaign'])]);
$t->ok('Entity Manager: the administrator adds Campaign to the parent field\'s entity list', $r->status === 200, $r->describe());
$r = $admin->post('EblaChat/dialogs', ['memberIds' => [$bobId], 'name' => "e2e $run campaign dialog", 'parentType' => 'Campaign', 'parentId' => $campaign['id'] ?? '']);
$t->ok('then a dialog can be linked to a Campaign, with no code change', $r->status === 200 && ($r->body['parentType'] ?? '') === 'Campaign', $r->describe());
$r = $admin->put('Admin/fieldManager/Dialog/parent', ['type' => 'linkParent', 'entityList' => $originalList]);
$t->ok('Entity Manager: the entity list restored', $r->status === 200 && $originalList !== [], $r->describe());

echo "== portal users\n";
$portal = must($t, 'create a portal', $admin->post('Portal', ['name' => "e2e $run portal", 'isActive' => true]));
$portalRole = must($t, 'create a portal role with Dialog access', $admin->post('PortalRole', [
    'name' => "e2e $run portal chat", 'data' => ['Dialog' => ['create' => 'yes', 'read' => 'own']], 'fieldData' => new stdClass(),
]));
$paulBody = must($t, 'create portal user paul', $admin->post('User', [
    'userName' => "e2e{$run}paul", 'firstName' => 'Paul', 'lastName' => "E2e$run", 'type' => 'portal', 'isActive' => true,
    'password' => $password, 'passwordConfirm' => $password,
    'portalsIds' => [$portal['id'] ?? ''], 'portalRolesIds' => [$portalRole['id'] ?? ''],
]));
$paulId = $paulBody['id'] ?? '';
$paul = new Api($apiUrl . 'portal-access/' . ($portal['id'] ?? '') . '/', "e2e{$run}paul", $password);
$erin = $users['erin']['api'];
$r = $alice->post('EblaChat/dialogs', ['memberIds' => [$paulId]]);
$t->ok('a user without the portal permission cannot reach a portal user (403)', $r->status === 403, $r->describe());
$portalDialog = must($t, 'a user with the portal permission opens a dialog with the portal user', $erin->post('EblaChat/dialogs', ['memberIds' => [$paulId]]));
$r = $paul->get('EblaChat/dialogs');
$t->ok('portal API: the portal user lists his dialog', $r->status === 200 && array_column($r->body['list'] ?? [], 'id') === [$portalDialog['id'] ?? '-'], $r->describe());
$r = $paul->post('EblaChat/dialogs/' . ($portalDialog['id'] ?? '') . '/messages', ['text' => 'hello from the portal']);
$t->ok('portal API: the portal user posts', $r->status === 200, $r->describe());
$r = $erin->get('EblaChat/unread');
$t->ok('the internal member gets the portal user\'s message as unread', ($r->body['dialogs'][$portalDialog['id'] ?? '-'] ?? 0) === 1, $r->describe());
$r = $paul->get('EblaChat/partners');
$t->ok('portal API: the portal user reaches only the users of his dialogs', $r->status === 200 && array_column($r->body['list'] ?? [], 'id') === [$users['erin']['id']], $r->describe());
$r = $paul->post('EblaChat/dialogs', ['memberIds' => [$bobId]]);
$t->ok('portal API: a user outside his dialogs is refused (403)', $r->status === 403, $r->describe());
$r = $paul->get("EblaChat/dialogs/$dialogId");
$t->ok('portal API: another dialog is refused (403)', $r->status === 403, $r->describe());
$r = $paul->get('Dialog/' . ($portalDialog['id'] ?? ''));
$t->ok('portal API: EspoCRM\'s own Dialog read for a member', $r->status === 200, $r->describe());
$r = $paul->get("Dialog/$dialogId");
$t->ok('portal API: EspoCRM\'s own Dialog read refused for a non-member', $r->status === 403, $r->describe());

echo "== EspoCRM's own endpoints\n";
$r = $alice->get('Dialog', ['maxSize' => 50]);
$listIds = array_column($r->body['list'] ?? [], 'id');
$names = array_column($r->body['list'] ?? [], 'name', 'id');
$t->ok('GET Dialog (alice, read own): her dialogs', $r->status === 200 && in_array($dialogId, $listIds) && in_array($groupId, $listIds), $r->describe());
$t->ok('GET Dialog: direct dialogs have a name', ($names[$dialogId] ?? '') === $users['bob']['name'], json_encode($names));
$r = $carol->get('Dialog', ['maxSize' => 50]);
$t->ok('GET Dialog (carol, read all, member of nothing): empty', $r->status === 200 && !in_array($dialogId, array_column($r->body['list'] ?? [], 'id')), $r->describe());
$r = $bob->get("Dialog/$dialogId");
$t->ok('GET Dialog/:id (member, read own): 200', $r->status === 200 && ($r->body['name'] ?? '') === $users['alice']['name'], $r->describe());
$r = $carol->get("Dialog/$dialogId");
$t->ok('GET Dialog/:id (non-member, read all): 403', $r->status === 403, $r->describe());
$r = $dave->get('Dialog');
$t->ok('GET Dialog (no Dialog scope): 403', $r->status === 403, $r->describe());
$r = $bob->get("Dialog/$dialogId/stream");
$streamPosts = array_column($r->body['list'] ?? [], 'post');
$t->ok('GET Dialog/:id/stream (member): the chat messages', $r->status === 200 && in_array('hi alice', $streamPosts), $r->describe());
$r = $carol->get("Dialog/$dialogId/stream");
$t->ok('GET Dialog/:id/stream (non-member, read all): 403', $r->status === 403, $r->describe());

$r = $alice->post('Note', ['type' => 'Post', 'post' => 'generic', 'parentType' => 'Dialog', 'parentId' => $dialogId]);
$t->ok('POST Note on a Dialog: 403', $r->status === 403, $r->describe());
$r = $alice->put('Note/' . ($m2['id'] ?? ''), ['post' => 'changed']);
$t->ok('PUT Note/:id of a chat message: 403', $r->status === 403, $r->describe());
$r = $bob->delete('Note/' . ($m2['id'] ?? ''));
$t->ok('DELETE Note/:id of a chat message: 403', $r->status === 403, $r->describe());
$r = $admin->delete('Note/' . ($m2['id'] ?? ''));
$t->ok('DELETE Note/:id of a chat message as admin: 403', $r->status === 403, $r->describe());
$r = $bob->get("EblaChat/dialogs/$dialogId");
$t->ok('counters unchanged by the refused generic calls', ($r->body['lastMessage']['id'] ?? '') !== '' && $r->status === 200, $r->describe());
$r = $alice->post("Dialog/$groupId/users", ['id' => $carolId]);
$t->ok('POST Dialog/:id/users (link a member): 403', $r->status === 403, $r->describe());
$r = $admin->post("Dialog/$groupId/users", ['id' => $carolId]);
$t->ok('POST Dialog/:id/users as admin: 403', $r->status === 403, $r->describe());
$r = $admin->post("User/$carolId/eblaDialogs", ['id' => $groupId]);
$t->ok('POST User/:id/eblaDialogs as admin: 403', $r->status === 403, $r->describe());
$r = $admin->delete("Dialog/$groupId/users", ['id' => $aliceId]);
$t->ok('DELETE Dialog/:id/users (unlink a member) as admin: 403', $r->status === 403, $r->describe());
$r = $admin->post('Dialog', ['name' => 'generic']);
$t->ok('POST Dialog: 403', $r->status === 403, $r->describe());
$r = $admin->put("Dialog/$groupId", ['name' => 'renamed']);
$t->ok('PUT Dialog/:id: 403', $r->status === 403, $r->describe());
$r = $admin->delete("Dialog/$groupId");
$t->ok('DELETE Dialog/:id: 403', $r->status === 403, $r->describe());

// Attachments: uploaded by alice for a Note, re-parented to the message by the engine.
$att = must($t, 'POST Attachment (alice)', $alice->post('Attachment', [
    'name' => 'e2e.txt', 'type' => 'text/plain', 'size' => 5, 'role' => 'Attachment',
    'parentType' => 'Note', 'field' => 'attachments', 'file' => 'data:text/plain;base64,' . base64_encode('hello'),
]));
$withFile = must($t, 'POST messages with an attachment', $alice->post("EblaChat/dialogs/$dialogId/messages", ['text' => '', 'attachmentsIds' => [$att['id'] ?? '']]));
$t->ok('message row lists the attachment', ($withFile['attachments'][0]['id'] ?? '') === ($att['id'] ?? '-'), json_encode($withFile));
$dl = function (string $user) use ($opt, $att, $password, $run): array {
    $ch = curl_init(rtrim($opt['url'], '/') . '/?entryPoint=download&id=' . ($att['id'] ?? ''));
    curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_HTTPHEADER => [
        'Espo-Authorization: ' . base64_encode("e2e$run$user:$password")]]);
    $body = curl_exec($ch);
    $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);

    return [$status, $body];
};
[$status, $body] = $dl('bob');
$t->ok('download the attachment (member): 200', $status === 200 && $body === 'hello', "HTTP $status");
[$status] = $dl('carol');
$t->ok('download the attachment (non-member, read all): refused', $status === 403 || $status === 404, "HTTP $status");
$r = $carol->get('Attachment/' . ($att['id'] ?? ''));
$t->ok('GET Attachment/:id (non-member): 403', $r->status === 403, $r->describe());

echo "== bell and popups\n";
$bob->post("EblaChat/dialogs/$dialogId/read", []);
$r = $bob->get('Notification/action/notReadCount');
$before = is_int($r->body) ? $r->body : -1;
$alice->post("EblaChat/dialogs/$dialogId/messages", ['text' => 'for the bell']);
$r = $bob->get('Notification/action/notReadCount');
$t->ok('the bell counts the chat\'s unread', $r->status === 200 && $r->body === $before + 1, "before $before, " . $r->describe());
$r = $bob->get('PopupNotification/action/grouped');
$popups = $r->body['eblaChat'] ?? [];
$t->ok('popup notifications: one item for the dialog', $r->status === 200 && count($popups) === 1 && ($popups[0]['data']['dialogId'] ?? '') === $dialogId && !empty($popups[0]['id']), $r->describe());
$t->ok('popup item: name, unread, last message', ($popups[0]['data']['name'] ?? '') === $users['alice']['name'] && ($popups[0]['data']['unread'] ?? 0) >= 1 && isset($popups[0]['data']['lastMessage']['text']), json_encode($popups));
$r = $bob->get('PopupNotification/action/grouped');
$t->ok('popup notifications: never repeated on the next poll', $r->status === 200 && ($r->body['eblaChat'] ?? []) === [], $r->describe());
$bob->post("EblaChat/dialogs/$dialogId/read", []);
$r = $bob->get('Notification/action/notReadCount');
$t->ok('the bell drops once read', $r->body === $before, "before $before, " . $r->describe());

// ---------------------------------------------------------------- EspoCRM's own UI (optional)
if (!empty($opt['browser'])) {
    echo "== EspoCRM's UI in a browser\n";
    $text = "for the browser $run";
    $alice->post("EblaChat/dialogs/$dialogId/messages", ['text' => $text]);
    $args = json_encode([
        'modules' => rtrim($opt['browser'], '/') . '/node_modules', 'chromium' => $opt['chromium'] ?? '/usr/bin/chromium',
        'url' => rtrim($opt['url'], '/'), 'userName' => "e2e{$run}bob", 'password' => $password, 'dialogId' => $dialogId, 'text' => $text,
    ]);
    $out = [];
    exec('node ' . escapeshellarg(__DIR__ . '/browser.js') . ' ' . escapeshellarg($args) . ' 2>&1', $out, $status);
    $ui = json_decode((string) end($out), true) ?? [];
    $t->ok('browser: the popup shows the dialog, its unread count and the last message',
        is_string($ui['popup'] ?? null) && str_contains($ui['popup'], $users['alice']['name']) && str_contains($ui['popup'], $text), json_encode($ui['popup'] ?? $out));
    $t->ok('browser: #Dialog/list lists the direct dialog under the other member\'s name',
        is_string($ui['list'] ?? null) && str_contains($ui['list'], $users['alice']['name']), json_encode($ui['list'] ?? null));
    $t->ok('browser: #Dialog/view/<id> opens the chat page with the dialog\'s messages',
        is_array($ui['chat'] ?? null) && array_filter($ui['chat'], fn ($m) => is_string($m) && str_contains($m, $text)) !== [], json_encode($ui['chat'] ?? null));
    $t->ok('browser: no script errors', ($ui['errors'] ?? ['no result']) === [], json_encode($ui['errors'] ?? $out));
    $bob->post("EblaChat/dialogs/$dialogId/read", []);
}

// ---------------------------------------------------------------- WebSocket
$wsUrl = $opt['ws'] ?? ($config['webSocketUrl'] ?? null);

if ($wsUrl === 'none' || !$wsUrl) {
    $t->ok('WebSocket checks run (--ws)', false, 'skipped: no WebSocket URL');
} else {
    echo "== WebSocket ($wsUrl)\n";

    try {
        $bobCred = $bob->wsCredentials();
        $carolCred = $carol->wsCredentials();
        $wsBob = new Wamp($wsUrl, $bobCred['token'], $bobCred['userId']);
        $wsCarol = new Wamp($wsUrl, $carolCred['token'], $carolCred['userId']);
        $t->ok('WAMP sessions (bob, carol)', true);

        foreach (['eblaChat.message', 'eblaChat.update', 'eblaChat.read', 'eblaChat.dialog', 'eblaChat.resync', 'newNotification', "streamUpdate.Dialog.$dialogId"] as $topic) {
            $wsBob->subscribe($topic);
        }

        $wsCarol->subscribe("streamUpdate.Dialog.$dialogId");
        $wsCarol->subscribe('eblaChat.message');
        // Subscriptions with an access check run a command in the daemon: give it time, then
        // prove the path works with a first message.
        $warm = $alice->post("EblaChat/dialogs/$dialogId/messages", ['text' => 'warm-up']);
        $ev = $wsBob->waitFor(fn ($e) => $e['topic'] === 'eblaChat.message' && ($e['data']['messageId'] ?? '') === ($warm->body['id'] ?? '-'), 10);
        $t->ok('eblaChat.message reaches the member', $ev !== null && ($ev['data']['unread'] ?? 0) >= 1 && ($ev['data']['dialogId'] ?? '') === $dialogId, json_encode($ev));
        $ev = $wsBob->waitFor(fn ($e) => $e['topic'] === "streamUpdate.Dialog.$dialogId", 5);
        $t->ok('streamUpdate.Dialog.<id> reaches the member', $ev !== null, 'no event');
        $wsCarol->pump(1.0);
        $carolTopics = array_column($wsCarol->events, 'topic');
        $t->ok('streamUpdate.Dialog.<id> and eblaChat.message never reach a non-member', !in_array("streamUpdate.Dialog.$dialogId", $carolTopics) && !in_array('eblaChat.message', $carolTopics), json_encode($carolTopics));

        $alice->put('EblaChat/messages/' . ($warm->body['id'] ?? ''), ['text' => 'warm-up, edited']);
        $ev = $wsBob->waitFor(fn ($e) => $e['topic'] === 'eblaChat.update' && ($e['data']['action'] ?? '') === 'edit', 5);
        $t->ok('eblaChat.update (edit) reaches the member', $ev !== null);
        $bob->post("EblaChat/dialogs/$dialogId/read", []);
        $ev = $wsBob->waitFor(fn ($e) => $e['topic'] === 'eblaChat.read' && ($e['data']['dialogId'] ?? '') === $dialogId, 5);
        $t->ok('eblaChat.read reaches the reader\'s other tabs', $ev !== null && ($ev['data']['unread'] ?? -1) === 0);
        $g2 = $alice->post('EblaChat/dialogs', ['memberIds' => [$bobId], 'name' => "e2e $run ws group"]);
        $ev = $wsBob->waitFor(fn ($e) => $e['topic'] === 'eblaChat.dialog' && ($e['data']['dialogId'] ?? '') === ($g2->body['id'] ?? '-'), 5);
        $t->ok('eblaChat.dialog (created) reaches the new member', $ev !== null);
        // EspoCRM's own submission through the same messager: an assignment notification.
        $admin->post('Account', ['name' => "e2e $run assigned", 'assignedUserId' => $bobId]);
        $ev = $wsBob->waitFor(fn ($e) => $e['topic'] === 'newNotification', 10);
        $t->ok('EspoCRM\'s own newNotification goes through the Redis messager', $ev !== null);

        // Latency and loss: alice posts N messages; bob's WebSocket is read while each request runs.
        $n = (int) ($opt['messages'] ?? 200);
        $wsBob->events = [];
        $sendToEvent = $responseToEvent = [];
        $lost = 0;
        $eventAt = [];

        for ($i = 0; $i < $n; $i++) {
            $ch = curl_init($apiUrl . "EblaChat/dialogs/$dialogId/messages");
            curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_POST => true,
                CURLOPT_POSTFIELDS => json_encode(['text' => "latency $i"]),
                CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'Espo-Authorization: ' . base64_encode("e2e{$run}alice:$password")]]);
            $mh = curl_multi_init();
            curl_multi_add_handle($mh, $ch);
            $sent = hrtime(true) / 1e9;
            $responded = null;

            do {
                curl_multi_exec($mh, $running);
                $info = curl_multi_info_read($mh);

                if ($info !== false && $responded === null) {
                    $responded = hrtime(true) / 1e9;
                }

                $wsBob->pump(0.0005);
                curl_multi_select($mh, 0.0005);
            } while ($running > 0 || $responded === null);

            $responded ??= hrtime(true) / 1e9;
            $message = json_decode(curl_multi_getcontent($ch), true);
            curl_multi_remove_handle($mh, $ch);
            curl_multi_close($mh);
            $id = $message['id'] ?? null;
            $ev = $id === null ? null : $wsBob->waitFor(fn ($e) => $e['topic'] === 'eblaChat.message' && ($e['data']['messageId'] ?? '') === $id, 3.0);

            if ($ev === null) {
                $lost++;

                continue;
            }

            $sendToEvent[] = ($ev['at'] - $sent) * 1000;
            $responseToEvent[] = ($ev['at'] - $responded) * 1000;
        }

        $figures['latency'] = [
            'messages' => $n,
            'received' => $n - $lost,
            'lost' => $lost,
            'requestToEventMedianMs' => round(percentile($sendToEvent, 50), 1),
            'requestToEventP95Ms' => round(percentile($sendToEvent, 95), 1),
            'responseToEventMedianMs' => round(percentile($responseToEvent, 50), 2),
            'responseToEventP95Ms' => round(percentile($responseToEvent, 95), 2),
            'responseToEventMaxMs' => round(max($responseToEvent ?: [NAN]), 2),
            'eventBeforeResponse' => count(array_filter($responseToEvent, fn ($v) => $v < 0)),
        ];
        printf("   %d posts: %d received, %d lost; request->event median %.1f ms (p95 %.1f); response->event median %.2f ms (p95 %.2f, max %.2f); %d events before the HTTP response\n",
            $n, $n - $lost, $lost, $figures['latency']['requestToEventMedianMs'], $figures['latency']['requestToEventP95Ms'],
            $figures['latency']['responseToEventMedianMs'], $figures['latency']['responseToEventP95Ms'], $figures['latency']['responseToEventMaxMs'],
            $figures['latency']['eventBeforeResponse']);
        $t->ok("latency: $n posts, none lost", $lost === 0, "$lost lost");
        $t->ok('latency: median post-to-WebSocket well under a second', percentile($responseToEvent, 50) < 100, json_encode($figures['latency']));

        if (!empty($opt['daemon-restart'])) {
            echo "== WebSocket daemon restart\n";
            $wsBob->close();
            exec($opt['daemon-restart'] . ' 2>&1', $out, $status);
            $t->ok('daemon restarted', $status === 0, implode("\n", $out));
            $restartedAt = microtime(true);
            $wsBob = null;

            while ($wsBob === null && microtime(true) - $restartedAt < 30) {
                try {
                    $wsBob = new Wamp($wsUrl, $bobCred['token'], $bobCred['userId']);
                } catch (Throwable) {
                    usleep(200000);
                }
            }

            $t->ok('the client connects again', $wsBob !== null);

            if ($wsBob !== null) {
                $reconnectedAfter = microtime(true) - $restartedAt;

                foreach (['eblaChat.message', 'eblaChat.resync'] as $topic) {
                    $wsBob->subscribe($topic);
                }

                $ev = $wsBob->waitFor(fn ($e) => $e['topic'] === 'eblaChat.resync' && ($e['data']['reason'] ?? '') === 'daemon', 20);
                $t->ok('eblaChat.resync (daemon) reaches the reconnected client', $ev !== null);
                $r = $alice->post("EblaChat/dialogs/$dialogId/messages", ['text' => 'after the daemon restart']);
                $id = $r->body['id'] ?? '-';
                $ev = $wsBob->waitFor(fn ($e) => $e['topic'] === 'eblaChat.message' && ($e['data']['messageId'] ?? '') === $id, 5);
                $t->ok('delivery after the daemon restart', $ev !== null);
                $figures['daemonRestart'] = ['reconnectSeconds' => round($reconnectedAfter, 2)];
                printf("   the client was connected again %.2f s after the restart command\n", $reconnectedAfter);
            } else {
                $wsBob = new Wamp($wsUrl, $bobCred['token'], $bobCred['userId']);
            }

            $wsBob->subscribe("streamUpdate.Dialog.$dialogId");
        }

        if (!empty($opt['redis-stop']) && !empty($opt['redis-start'])) {
            echo "== Redis outage\n";
            $outage = (float) ($opt['outage'] ?? 3);
            $wsBob->events = [];
            exec($opt['redis-stop'] . ' 2>&1', $out, $status);
            $t->ok('Redis stopped', $status === 0, implode("\n", $out));
            $stoppedAt = microtime(true);
            $posted = $failedPosts = 0;

            while (microtime(true) - $stoppedAt < $outage) {
                $r = $alice->post("EblaChat/dialogs/$dialogId/messages", ['text' => 'during the outage']);
                $r->status === 200 ? $posted++ : $failedPosts++;
            }

            exec($opt['redis-start'] . ' 2>&1', $out, $status);
            $restartedAt = microtime(true);
            $t->ok('Redis started again', $status === 0, implode("\n", $out));
            $t->ok('writes succeed while Redis is down', $failedPosts === 0 && $posted > 0, "$posted posted, $failedPosts failed");
            $ev = $wsBob->waitFor(fn ($e) => $e['topic'] === 'eblaChat.resync' && ($e['data']['reason'] ?? '') === 'redis', 40);
            $resyncAfter = $ev ? microtime(true) - $restartedAt : null;
            $t->ok('eblaChat.resync reaches the client after Redis comes back', $ev !== null && ($ev['data']['reason'] ?? '') === 'redis', json_encode($ev));
            $during = count(array_filter($wsBob->events, fn ($e) => $e['topic'] === 'eblaChat.message'));
            // After the resync the publishers may still be in their backoff: post until an event arrives.
            $recoveredAt = null;

            for ($i = 0; $i < 200 && $recoveredAt === null; $i++) {
                $r = $alice->post("EblaChat/dialogs/$dialogId/messages", ['text' => 'after the outage']);
                $id = $r->body['id'] ?? '-';

                if ($wsBob->waitFor(fn ($e) => $e['topic'] === 'eblaChat.message' && ($e['data']['messageId'] ?? '') === $id, 0.2)) {
                    $recoveredAt = microtime(true);
                }
            }

            $figures['outage'] = [
                'seconds' => $outage,
                'postedDuringOutage' => $posted,
                'eventsReceivedFromOutage' => $during,
                'resyncSecondsAfterRestart' => $resyncAfter === null ? null : round($resyncAfter, 2),
                'deliverySecondsAfterRestart' => $recoveredAt === null ? null : round($recoveredAt - $restartedAt, 2),
            ];
            printf("   outage %.0f s: %d posts committed, %d of their events delivered; resync %.2f s and delivery again %.2f s after Redis restarted\n",
                $outage, $posted, $during, $resyncAfter ?? -1, $recoveredAt === null ? -1 : $recoveredAt - $restartedAt);
            $t->ok('delivery resumes after the outage', $recoveredAt !== null);
            $r = $bob->get('EblaChat/unread');
            $t->ok('what the client refetches on resync is exact (unread counts every committed post)', ($r->body['dialogs'][$dialogId] ?? 0) >= $posted, $r->describe());
        }

        $wsBob->close();
        $wsCarol->close();
    } catch (Throwable $e) {
        $t->ok('WebSocket checks', false, $e->getMessage());
    }
}

// ---------------------------------------------------------------- a web server without the extension (optional)
if (!empty($opt['plain-url'])) {
    echo "== the same EspoCRM served by a PHP without the extension\n";
    $plainApi = rtrim($opt['plain-url'], '/') . '/api/v1/';
    $plainAdmin = new Api($plainApi, $adminUser, $adminPass);
    $r = $plainAdmin->request('POST', 'Extension/action/upload', 'data:application/zip;base64,' . base64_encode(file_get_contents($zip)));
    $t->ok('web: the package uploads', $r->status === 200 && !empty($r->body['id']), $r->describe());
    $r = $plainAdmin->post('Extension/action/install', ['id' => $r->body['id'] ?? '']);
    $t->ok('web: install refused without the extension, with the reason', $r->status >= 400 && str_contains($r->reason() . $r->raw, 'pecl install ebla_chat'), $r->describe());
    sleep(3); // opcache.revalidate_freq: the web server sees the config the installer restored
    $after = include "$root/data/config.php";
    $t->ok('web: no maintenance mode left after the refused install', empty($after['maintenanceMode']));
    $r = $alice->get('EblaChat/unread');
    $t->ok('web: the package that was installed still works (the refusal removed only the new upload)', $r->status === 200, $r->describe());
    $plainAlice = new Api($plainApi, $alice->userName(), $password);
    $r = $plainAlice->get('EblaChat/unread');
    $t->ok('without the extension: the chat API answers 500 with the reason', $r->status === 500 && str_contains($r->reason(), 'ebla_chat'), $r->describe());
    $r = $plainAlice->get('Notification/action/notReadCount');
    $t->ok('without the extension: the bell still counts EspoCRM\'s notifications', $r->status === 200 && is_int($r->body), $r->describe());
    $r = $plainAlice->get('Dialog', ['maxSize' => 5]);
    $t->ok('without the extension: EspoCRM\'s Dialog list still answers', $r->status === 200, $r->describe());
    $r = $plainAdmin->post('Account', ['name' => "e2e $run without the extension", 'assignedUserId' => $bobId]);
    $t->ok('without the extension: EspoCRM saves and notifies (the Redis sender logs and drops)', $r->status === 200, $r->describe());
}

// ---------------------------------------------------------------- uninstall and install again (optional)
if (!empty($opt['uninstall'])) {
    echo "== uninstall, data kept, install again\n";
    $before = include "$root/data/config.php";
    $beforeInternal = is_file("$root/data/config-internal.php") ? include "$root/data/config-internal.php" : [];
    $messager = $beforeInternal['webSocketMessager'] ?? $before['webSocketMessager'] ?? null;
    $counts = fn () => [
        (int) $pdo->query('SELECT COUNT(*) FROM dialog')->fetchColumn(),
        (int) $pdo->query('SELECT COUNT(*) FROM dialog_user')->fetchColumn(),
        (int) $pdo->query("SELECT COUNT(*) FROM note WHERE parent_type = 'Dialog'")->fetchColumn(),
    ];
    $kept = $counts();
    [$status, $out] = espoCommand($plainPhp, $root, 'extension -u --name=EblaChat');
    $t->ok('uninstall refused without the extension (CLI)', $status !== 0 && str_contains($out, 'pecl install ebla_chat'), $out);
    [$status, $out] = espoCommand($php, $root, 'extension -u --name=EblaChat');
    $t->ok('uninstall with the extension', $status === 0, $out);
    $t->ok('uninstalling keeps the dialogs, memberships and messages', $counts() === $kept, json_encode([$kept, $counts()]));
    $afterConfig = (include "$root/data/config.php") + (is_file("$root/data/config-internal.php") ? include "$root/data/config-internal.php" : []);
    $t->ok('uninstalling unsets the EblaRedis messager and switches WebSocket off', $messager !== 'EblaRedis'
        || (($afterConfig['webSocketMessager'] ?? null) !== 'EblaRedis' && empty($afterConfig['useWebSocket'])), json_encode([$afterConfig['webSocketMessager'] ?? null, $afterConfig['useWebSocket'] ?? null]));
    // The web server's opcache may hold the old config file for opcache.revalidate_freq (2 s).
    sleep(3);
    $r = $admin->post('Team', ['name' => "e2e $run after uninstall"]);
    $t->ok('EspoCRM saves (and notifies) normally without the package', $r->status === 200, $r->describe());
    $r = $alice->get('EblaChat/dialogs');
    $t->ok('the chat API is gone', $r->status === 404, $r->describe());
    [$status, $out] = espoCommand($php, $root, 'extension --file=' . escapeshellarg($zip));
    $t->ok('install again', $status === 0, $out);
    $t->ok('ebla_chat_schema() has nothing to do after the new install', ($ran = ebla_chat_schema($pdo)) === [], implode('; ', $ran));
    $r = $bob->get("EblaChat/dialogs/$dialogId/messages", ['maxSize' => 1]);
    $t->ok('the kept history is there again', $r->status === 200 && count($r->body['list'] ?? []) === 1, $r->describe());
    // Give the instance back its WebSocket settings.
    $restore = var_export(['useWebSocket' => $before['useWebSocket'] ?? false, 'webSocketMessager' => $messager], true);
    exec('cd ' . escapeshellarg($root) . ' && ' . $php . ' -r ' . escapeshellarg(
        'require "bootstrap.php"; $app = new Espo\Core\Application(); $app->setupSystemUser();' .
        '$w = $app->getContainer()->getByClass(Espo\Core\InjectableFactory::class)->create(Espo\Core\Utils\Config\ConfigWriter::class);' .
        'foreach (' . $restore . ' as $k => $v) { $w->set($k, $v); } $w->save();'
    ) . ' 2>&1', $out, $status);
    $t->ok('WebSocket settings restored', $status === 0, implode("\n", $out));
}

echo "== the dialog list of a user with many dialogs\n";
// More than 64 memberships waiting to be counted: the first full page folds them into the
// reader's dialog_count (dialog_reader) in a transaction of its own; the total stays exact
// through joins and leaves, and the first page is the newest dialogs.
$liveMemberships = function (string $userId) use ($pdo): int {
    $false = $pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'pgsql' ? 'false' : '0';
    $sth = $pdo->prepare("SELECT COUNT(*) FROM dialog_user du JOIN dialog d ON d.id = du.dialog_id AND (d.deleted IS NULL OR d.deleted = $false) " .
        "WHERE du.user_id = ? AND du.deleted = $false");
    $sth->execute([$userId]);

    return (int) $sth->fetchColumn();
};
$many = [];

for ($i = 0; $i < 70; $i++) {
    $many[] = $alice->post('EblaChat/dialogs', ['memberIds' => [$bobId], 'name' => "e2e $run many $i"])->body['id'] ?? null;
}

$t->ok('70 more group dialogs of alice and bob', count(array_filter($many)) === 70);
$r = $bob->post('EblaChat/dialogs/' . $many[0] . '/messages', ['text' => 'the oldest of the many, now the newest']);
$newest = $r->body['dialogId'] ?? '-';
$r = $alice->get('EblaChat/dialogs', ['maxSize' => 20]);
$t->ok('GET dialogs (alice, a full first page): the total of her memberships, the newest first', $r->status === 200 &&
    ($r->body['total'] ?? -1) === $liveMemberships($aliceId) && count($r->body['list'] ?? []) === 20 &&
    ($r->body['list'][0]['id'] ?? '') === $newest, $r->describe());
$sth = $pdo->prepare('SELECT dialog_count FROM dialog_reader WHERE id = ?');
$sth->execute([$aliceId]);
$folded = (int) $sth->fetchColumn();
$t->ok('the new memberships were folded into her dialog_reader.dialog_count', $folded >= 70, "dialog_count $folded");

foreach (array_slice($many, 1, 3) as $id) {
    $bob->delete("EblaChat/dialogs/$id/members/$bobId");
}

$r = $bob->get('EblaChat/dialogs', ['maxSize' => 20]);
$t->ok('GET dialogs (bob, after leaving 3): the total of his memberships', $r->status === 200 &&
    ($r->body['total'] ?? -1) === $liveMemberships($bobId) && count($r->body['list'] ?? []) === 20, $r->describe());
$pdo->beginTransaction();
$sorted = ebla_chat_dialog_list($pdo, $bobId, ['limit' => 20]);
$pdo->rollBack();
$t->ok('his first page equals the full sort', array_column($r->body['list'] ?? [], 'id') === array_column($sorted['list'], 'id') &&
    ($r->body['total'] ?? -1) === $sorted['total'], json_encode([array_column($r->body['list'] ?? [], 'id'), array_column($sorted['list'], 'id')]));

echo "== the data the run left\n";
existingDataChecks($t, $pdo, 'after the run');
$diffs = ec_check_consistency($pdo);
$t->ok('every counter, hint, list number and reader count agrees with a recount of the notes (whole database)', $diffs === [],
    implode("\n", array_slice($diffs, 0, 10)));

$failed = $t->failed();
$total = count($t->results);
$figures['checks'] = ['total' => $total, 'failed' => $failed];
$figures['espocrm'] = $config['version'] ?? '?';
$figures['database'] = $config['database']['platform'] ?? '?';
$figures['seconds'] = round(microtime(true) - $started, 1);
printf("\n%d checks, %d failed (EspoCRM %s, %s, %.0f s)\n", $total, $failed, $figures['espocrm'], $figures['database'], $figures['seconds']);
echo json_encode($figures, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";

if (!empty($opt['report'])) {
    $md = sprintf("EspoCRM %s on %s, %s UTC: %d checks, %d failed.\n\n", $figures['espocrm'], $figures['database'], gmdate('Y-m-d H:i'), $total, $failed);

    foreach ($t->results as [$name, $ok, $detail]) {
        $md .= '- ' . ($ok ? 'ok' : '**FAIL**') . " $name" . (!$ok && $detail !== '' ? ' — ' . str_replace("\n", ' ', substr($detail, 0, 200)) : '') . "\n";
    }

    $md .= "\n```json\n" . json_encode($figures, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n```\n";
    file_put_contents($opt['report'], $md);
}

exit($failed === 0 ? 0 : 1);

--TEST--
acl: a fixed number of statements whatever the size of the user base; an actor's permission data is loaded once per request
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/acl.inc';

/** Counts the statements the extension executes (it goes through PDO's public methods). */
class CountingStatement extends PDOStatement
{
    public static int $executed = 0;

    protected function __construct() {}

    public function execute(?array $params = null): bool
    {
        self::$executed++;
        return parent::execute($params);
    }
}

/** On its first execute, uses the extension with another PDO (another database) from inside a PDO call. */
class ReentrantStatement extends PDOStatement
{
    public static ?Closure $hook = null;

    protected function __construct() {}

    public function execute(?array $params = null): bool
    {
        if ($hook = self::$hook) {
            self::$hook = null;
            $hook();
        }
        return parent::execute($params);
    }
}

function counted(callable $fn): int
{
    CountingStatement::$executed = 0;
    $fn();
    return CountingStatement::$executed;
}

/** Adds $n users: every third in team Big, every fifth with the role "team". */
function grow(PDO $pdo, int $from, int $n, string $team, string $role): void
{
    $pdo->beginTransaction();
    for ($i = $from; $i < $from + $n; $i++) {
        $id = sprintf('x%04d', $i);
        ec_user($pdo, "x$i", $i % 17 === 0 ? 'portal' : 'regular', ['id' => $id]);
        if ($i % 3 === 0) {
            ec_insert($pdo, 'team_user', ['team_id' => $team, 'user_id' => $id, 'deleted' => 0]);
        }
        if ($i % 5 === 0) {
            ec_insert($pdo, 'role_user', ['role_id' => $role, 'user_id' => $id, 'deleted' => 0]);
        }
    }
    $pdo->commit();
}

acl_run(function (PDO $pdo) {
    $team = ec_team($pdo, 'Big');
    $role = ec_role($pdo, 'team', 'yes');
    ec_role($pdo, 'own', 'no', [], [$team]);
    $pdo->setAttribute(PDO::ATTR_STATEMENT_CLASS, [CountingStatement::class]);

    $size = 10;
    grow($pdo, 0, $size, $team, $role);
    foreach ([10, 300] as $target) {
        grow($pdo, $size, $target - $size, $team, $role);
        $size = $target;
        // fresh actors for each size: a cached actor costs nothing to load
        $regular = acl_user($pdo, "reg$size");     // in Big, role "team" + the team's role "own"
        ec_insert($pdo, 'team_user', ['team_id' => $team, 'user_id' => $regular, 'deleted' => 0]);
        ec_insert($pdo, 'role_user', ['role_id' => $role, 'user_id' => $regular, 'deleted' => 0]);
        $admin = acl_user($pdo, "admin$size", 'admin');
        $told = acl_user($pdo, "told$size");
        $everyone = array_map(fn($i) => sprintf('x%04d', $i), range(0, $size - 1));

        echo "-- $size users\n";
        echo 'partners, regular actor, first call: ', counted(fn() => ebla_chat_partners($pdo, $regular)), "\n";
        echo 'partners, same actor again: ', counted(fn() => ebla_chat_partners($pdo, $regular, ['search' => 'x', 'offset' => 3])), "\n";
        echo 'partners, admin actor, first call: ', counted(fn() => ebla_chat_partners($pdo, $admin)), "\n";
        echo 'partners, levels from the acl option: ', counted(fn() => ebla_chat_partners($pdo, $told, ['acl' => ['userRead' => 'all', 'portal' => 'no']])), "\n";
        $reached = 0;
        $n = counted(function () use ($pdo, $regular, $everyone, &$reached) {
            foreach ($everyone as $other) {
                $reached += ebla_chat_can_chat($pdo, $regular, $other);
            }
        });
        echo "can_chat with every user: $n statements for ", count($everyone), " users\n";
        // the list also holds reg10, the regular actor of the first round (in Big as well)
        $p = ebla_chat_partners($pdo, $regular, ['limit' => 200]);
        echo "reached: $reached, partners total: {$p['total']}\n";
        echo 'admin partners total: ', ebla_chat_partners($pdo, $admin)['total'], "\n";
    }

    echo "-- re-entrant use with another PDO, from inside a PDO call\n";
    $other = new PDO('sqlite::memory:');
    $other->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
    ebla_chat_schema($other, EBLA_CHAT_SCHEMA_CORE);
    acl_user($other, 'reg10', 'admin');                  // the same id, another user in another database
    acl_user($other, 'zoe');
    $pdo->setAttribute(PDO::ATTR_STATEMENT_CLASS, [ReentrantStatement::class]);
    ReentrantStatement::$hook = function () use ($other) {
        echo 'inner (other database): ', acl_names(ebla_chat_partners($other, 'reg10', ['search' => 'zo'])), "\n";
    };
    $p = ebla_chat_partners($pdo, 'reg10', ['search' => 'reg3']);
    echo 'outer: ', acl_names($p), "\n";
    echo 'outer again: ', acl_names(ebla_chat_partners($pdo, 'reg10', ['search' => 'reg3'])), "\n";
});
?>
--EXPECT--
-- 10 users
partners, regular actor, first call: 4
partners, same actor again: 2
partners, admin actor, first call: 3
partners, levels from the acl option: 3
can_chat with every user: 10 statements for 10 users
reached: 4, partners total: 4
admin partners total: 12
-- 300 users
partners, regular actor, first call: 4
partners, same actor again: 2
partners, admin actor, first call: 3
partners, levels from the acl option: 3
can_chat with every user: 300 statements for 300 users
reached: 112, partners total: 113
admin partners total: 305
-- re-entrant use with another PDO, from inside a PDO call
inner (other database): zoe
outer: reg300
outer again: reg300

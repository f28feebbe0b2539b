--TEST--
Costs: statements per post, poll, bell and dialog list do not grow with members, dialogs or history
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
ebla_chat.redis_url=tcp://127.0.0.1:1/0
ebla_chat.redis_retry_interval=3600
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';

/** Counts the statements the extension runs (it executes through the caller's PDO). */
class CountedStatement extends PDOStatement
{
    public static int $n = 0;
    public function execute(?array $params = null): bool
    {
        self::$n++;
        return parent::execute($params);
    }
}

// Redis is "configured" (an unreachable port, backoff for an hour): writes build their events,
// as in production, without a server. Measured calls go through a second connection whose
// statements are all CountedStatement (the extension's statement cache follows the PDO in use).
foreach (ec_backends() as $backend) {
    $pdo = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($pdo);
    [$user, $pass] = ec_credentials($backend);
    $measured = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_STATEMENT_CLASS => [CountedStatement::class]]);
    $count = function (callable $fn) use ($measured): int {
        $fn($measured);  // warm: the actor's permissions and the prepared statements are cached
        CountedStatement::$n = 0;
        $fn($measured);
        return CountedStatement::$n;
    };
    // A reader catches up on what was written since it last looked (a constant number of
    // statements more); on PostgreSQL a transaction running anywhere in the cluster (another
    // test, autovacuum) holds the horizon back, so a reader may look again. The fewest of the
    // calls, a moment apart, is the steady cost.
    $steady = [];
    $countRead = function (callable $fn, string $what) use ($count, &$steady): int {
        // Up to 20 calls, 50 ms apart, until one costs no more than the steady cost seen so far.
        $min = PHP_INT_MAX;
        for ($i = 0; $i < 20; $i++) {
            $min = min($min, $count($fn));
            if (isset($steady[$what]) && $min <= $steady[$what]) {
                break;
            }
            usleep(50000);
        }
        $steady[$what] = min($steady[$what] ?? PHP_INT_MAX, $min);
        return $min;
    };
    $me = ec_user($pdo, 'me');
    $costs = [];
    foreach ([2, 20, 80] as $size) {
        $others = [];
        for ($i = 1; $i < $size; $i++) {
            $others[] = ec_user($pdo, "u{$size}x$i");
        }
        $d = ebla_chat_dialog_open($pdo, $me, $others, ['name' => "size $size"])['id'];
        for ($i = 0; $i < $size; $i++) {
            ebla_chat_post($pdo, $others[$i % count($others)], $d, "history $i");
        }
        $mention = '@u' . $size . 'x1';
        $other = $others[0];
        $costs['post'][] = $count(fn($db) => ebla_chat_post($db, $me, $d, 'hello'));
        $costs['post with a mention'][] = $count(fn($db) => ebla_chat_post($db, $me, $d, "hello $mention"));
        $costs['mark read'][] = $count(fn($db) => [ebla_chat_post($db, $other, $d, 'x'), ebla_chat_mark_read($db, $me, $d)]);
        $costs['bell'][] = $countRead(fn($db) => ebla_chat_unread($db, $me), 'bell');
        $costs['poll'][] = $countRead(fn($db) => ebla_chat_poll($db, $me, ['dialogId' => $d, 'after' => 0]), 'poll');
        $costs['dialog list'][] = $countRead(fn($db) => ebla_chat_dialog_list($db, $me), 'list');
        $costs['history page'][] = $count(fn($db) => ebla_chat_messages($db, $me, $d, ['limit' => 20]));
    }
    echo "-- $backend\n";
    foreach ($costs as $what => $n) {
        printf("%-20s %s\n", $what, count(array_unique($n)) === 1 ? 'constant' : 'GROWS: ' . implode(', ', $n));
    }
    $measured = null;
}
?>
--EXPECT--
-- sqlite
post                 constant
post with a mention  constant
mark read            constant
bell                 constant
poll                 constant
dialog list          constant
history page         constant
-- mysql
post                 constant
post with a mention  constant
mark read            constant
bell                 constant
poll                 constant
dialog list          constant
history page         constant
-- pgsql
post                 constant
post with a mention  constant
mark read            constant
bell                 constant
poll                 constant
dialog list          constant
history page         constant

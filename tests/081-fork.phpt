--TEST--
Lifetime: after pcntl_fork() parent and children each work on their own connections, nobody hangs
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!function_exists('pcntl_fork') || !function_exists('pcntl_exec')) {
    die('skip pcntl is not available');
}
?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/fanout.inc';

// A hang must fail the test, never block the run: SIGALRM's default action ends the process
// (the output is then incomplete), before run-tests.php's own timeout (longer under valgrind).
// Children get their own alarm: fork() does not pass it on.
const BUDGET = 50;
$budget = getenv('USE_ZEND_ALLOC') === '0' ? 5 * BUDGET : BUDGET;
pcntl_alarm($budget);
ini_set('ebla_chat.redis_url', ec_service('EBLA_CHAT_TEST_REDIS_URL'));
ini_set('ebla_chat.redis_prefix', ec_test_prefix());

const CHILDREN = 3;
const PARENT_POSTS = 5;

/** Ends a child without PHP's shutdown, which would close the connections it inherited. */
function ec_child_exit(int $code): void
{
    pcntl_exec(PHP_BINARY, ['-n', '-r', "exit($code);"]);
    exit(99);
}

function ec_open(string $dsn, ?string $user, ?string $pass, bool $emulate): PDO
{
    return new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_EMULATE_PREPARES => $emulate]);
}

foreach (ec_backends() as $backend) {
    if ($backend === 'sqlite') {
        continue;
    }
    $setup = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($setup, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($setup);
    [$user, $pass] = ec_credentials($backend);
    $me = ec_user($setup, 'me');
    $other = ec_user($setup, 'other');     // never writes: their unread counts everything
    $third = ec_user($setup, 'third');     // the children write as this one
    $d = ebla_chat_dialog_open($setup, $me, [$other, $third], ['name' => 'fork'])['id'];
    $setup = null;

    // The parent's statements are prepared on the server (both drivers), and its Redis
    // connection is open: the state a child must leave alone.
    $pdo = ec_open($dsn, $user, $pass, false);
    ebla_chat_post($pdo, $me, $d, 'before the fork');
    ebla_chat_unread($pdo, $other);
    ebla_chat_messages($pdo, $me, $d, ['limit' => 5]);
    $published = ebla_chat_fanout_status()['published'];
    $attempts = ebla_chat_fanout_status()['attempts'];

    $results = sys_get_temp_dir() . '/ebla_fork_' . bin2hex(random_bytes(4));
    $children = [];
    for ($i = 0; $i < CHILDREN; $i++) {
        $pid = pcntl_fork();
        if ($pid === 0) {
            pcntl_alarm($budget - 15);
            try {
                $mine = ec_open($dsn, $user, $pass, false);
                ebla_chat_post($mine, $third, $d, "from child $i");
                $unread = ebla_chat_unread($mine, $other)['total'];
                ebla_chat_messages($mine, $third, $d, ['limit' => 5]);
                $status = ebla_chat_fanout_status();
                file_put_contents("$results.$i", sprintf("child: unread readable %s, own Redis connection %s, published %s, failed %d\n",
                    is_int($unread) ? 'yes' : 'no', $status['attempts'] === $attempts + 1 ? 'yes' : 'no',
                    $status['published'] > $published ? 'yes' : 'no', $status['failed']));
                ec_child_exit(0);
            } catch (Throwable $e) {
                file_put_contents("$results.$i", 'child: ' . get_class($e) . ': ' . $e->getMessage() . "\n");
                ec_child_exit(1);
            }
        }
        $children[$pid] = $i;
    }

    // Meanwhile the parent goes on with its own (inherited by all, used by it alone) connection.
    $parentError = null;
    try {
        for ($k = 0; $k < PARENT_POSTS; $k++) {
            ebla_chat_post($pdo, $me, $d, "parent $k");
            ebla_chat_unread($pdo, $me);
        }
    } catch (Throwable $e) {
        $parentError = get_class($e) . ': ' . $e->getMessage();
    }

    $ended = [];
    $deadline = microtime(true) + $budget - 10;
    while (count($ended) < CHILDREN && microtime(true) < $deadline) {
        foreach ($children as $pid => $i) {
            if (!isset($ended[$i]) && pcntl_waitpid($pid, $status, WNOHANG) === $pid) {
                $ended[$i] = pcntl_wifexited($status) ? 'exit ' . pcntl_wexitstatus($status) : 'killed';
            }
        }
        usleep(20000);
    }
    echo "-- $backend\n";
    foreach ($children as $pid => $i) {
        if (!isset($ended[$i])) {
            posix_kill($pid, SIGKILL);
            pcntl_waitpid($pid, $status);
            $ended[$i] = 'hung';
        }
        echo "child $i: {$ended[$i]}; ", @file_get_contents("$results.$i") ?: "no result\n";
        @unlink("$results.$i");
    }
    echo 'parent: ', $parentError ?? 'ok', "\n";

    // After all of it, the parent's cached statements still run on its connection.
    try {
        $total = count(ebla_chat_messages($pdo, $me, $d, ['limit' => 100]));
        echo "parent: messages $total, unread of other ", ebla_chat_unread($pdo, $other)['total'], "\n";
    } catch (Throwable $e) {
        echo 'parent afterwards: ', get_class($e), ': ', $e->getMessage(), "\n";
    }
    $status = ebla_chat_fanout_status();
    echo 'parent: published more ', $status['published'] > $published ? 'yes' : 'no',
        ', same Redis connection ', $status['attempts'] === $attempts ? 'yes' : 'no', ", failed {$status['failed']}\n";
    $pdo = null;
}
?>
--EXPECT--
-- mysql
child 0: exit 0; child: unread readable yes, own Redis connection yes, published yes, failed 0
child 1: exit 0; child: unread readable yes, own Redis connection yes, published yes, failed 0
child 2: exit 0; child: unread readable yes, own Redis connection yes, published yes, failed 0
parent: ok
parent: messages 9, unread of other 9
parent: published more yes, same Redis connection yes, failed 0
-- pgsql
child 0: exit 0; child: unread readable yes, own Redis connection yes, published yes, failed 0
child 1: exit 0; child: unread readable yes, own Redis connection yes, published yes, failed 0
child 2: exit 0; child: unread readable yes, own Redis connection yes, published yes, failed 0
parent: ok
parent: messages 9, unread of other 9
parent: published more yes, same Redis connection yes, failed 0

--TEST--
Faults: Redis killed, stopped (SIGSTOP) and restarted while posts keep coming: no write fails, at most one timeout per retry interval, publishing resumes by itself
--SKIPIF--
<?php require __DIR__ . '/fanout.inc'; ec_fanout_skipif('EBLA_CHAT_TEST_REDIS_SERVER'); ?>
--INI--
ebla_chat.redis_timeout=1.0
ebla_chat.redis_retry_interval=30
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/fanout.inc';
require __DIR__ . '/fuzz/checker.inc';

$port = ec_free_port();
$server = ec_redis_server_start($port);
ini_set('ebla_chat.redis_url', "tcp://127.0.0.1:$port");
ini_set('ebla_chat.redis_prefix', ec_test_prefix());

$pdo = ec_fresh_pdo('sqlite', $dsn);
$pdo->exec('PRAGMA journal_mode = WAL');
ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
ec_baseline_role($pdo);
$users = [];
for ($i = 0; $i < 4; $i++) {
    $users[] = ec_user($pdo, "u$i");
}
$dialog = ebla_chat_dialog_open($pdo, $users[0], array_slice($users, 1), ['name' => 'load'])['id'];
$posted = 0;
$faults = 0;

/**
 * $n writes (posts, reads, edits) in a row; prints how many returned, how many waited for a
 * Redis timeout (1 s: a skipped publish takes milliseconds, even under valgrind) and what the
 * fan-out counters did.
 */
function load(string $label, int $n): void
{
    global $pdo, $users, $dialog, $posted;
    $before = ebla_chat_fanout_status();
    $ok = 0;
    $slow = 0;
    for ($i = 0; $i < $n; $i++) {
        $t = microtime(true);
        try {
            $who = $users[$i % 4];
            $m = ebla_chat_post($pdo, $who, $dialog, "$label $i @u" . (($i + 1) % 4));
            $posted++;
            if ($i % 3 === 0) {
                ebla_chat_mark_read($pdo, $users[($i + 1) % 4], $dialog);
                ebla_chat_message_edit($pdo, $who, $m['id'], "$label $i edited");
            }
            $ok++;
        } catch (Throwable $e) {
            echo '  write failed: ', get_class($e), ': ', $e->getMessage(), "\n";
        }
        if (microtime(true) - $t >= 0.9) {
            $slow++;
        }
        // After the first write (which made the one new attempt), back to the long interval.
        ini_set('ebla_chat.redis_retry_interval', '30');
    }
    $s = ebla_chat_fanout_status();
    printf("%-34s %d/%d writes returned, %d waited for a timeout, state=%s, new attempts=%d, published %s, failed %s\n",
        $label, $ok, $n, $slow, $s['state'], $s['attempts'] - $before['attempts'],
        $s['published'] > $before['published'] ? 'more' : 'none', $s['failed'] > $before['failed'] ? 'more' : 'none');
}

/** Lets the backoff end at once (a new interval applies immediately) and waits for it; load() restores it. */
function end_backoff(): void
{
    ini_set('ebla_chat.redis_retry_interval', '0.2');
    usleep((int) (ebla_chat_fanout_status()['retryIn'] * 1e6) + 50000);
}

load('Redis up', 20);

ec_redis_server_stop($server);   // SIGKILL
$faults++;
load('Redis killed', 30);
load('still killed, within the interval', 30);

$server = ec_redis_server_start($port);
load('restarted, interval not over', 10);
end_backoff();
load('restarted, after the interval', 20);

$pid = proc_get_status($server)['pid'];
posix_kill($pid, 19);   // SIGSTOP: connections are accepted by the kernel, nothing answers
$faults++;
load('Redis stopped (SIGSTOP)', 30);
load('still stopped, within the interval', 20);
end_backoff();
load('still stopped, after the interval', 20);

posix_kill($pid, 18);   // SIGCONT
end_backoff();
load('continued (SIGCONT)', 20);

ec_redis_server_stop($server);
$server = ec_redis_server_start($port);
$faults++;
load('killed and restarted between writes', 20);
ec_redis_server_stop($server);

// Several processes at once while Redis is stopped: each waits for one timeout, then backs off.
$server = ec_redis_server_start($port);
$pid = proc_get_status($server)['pid'];
posix_kill($pid, 19);
$faults++;
$outs = ec_race(3, <<<'PHP'
    $a = json_decode($argv[1], true);
    ini_set('ebla_chat.redis_timeout', '1.0');
    ini_set('ebla_chat.redis_retry_interval', '30');
    $pdo = new PDO($a['dsn'], null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    $pdo->exec('PRAGMA busy_timeout = 30000');
    ec_start($a);
    $ok = $slow = 0;
    for ($i = 0; $i < 15; $i++) {
        $t = microtime(true);
        try {
            ebla_chat_post($pdo, $a['users'][$a['worker']], $a['dialog'], "worker {$a['worker']} $i");
            $ok++;
        } catch (Throwable $e) {
            echo get_class($e), ': ', $e->getMessage(), "\n";
        }
        $slow += microtime(true) - $t >= 0.9 ? 1 : 0;
    }
    $s = ebla_chat_fanout_status();
    echo "$ok/15 writes returned, $slow waited for a timeout, attempts={$s['attempts']}, state={$s['state']}";
    PHP, ['dsn' => $dsn, 'users' => $users, 'dialog' => $dialog]);
foreach ($outs as $i => $out) {
    echo "process $i, Redis stopped: $out\n";
}
$posted += 45;
posix_kill($pid, 18);
ec_redis_server_stop($server);

echo 'messages stored: ', ec_scalar($pdo, "SELECT COUNT(*) FROM note WHERE parent_id = ?", [$dialog]) == $posted ? 'all' : 'SOME MISSING', "\n";
$problems = ec_consistency($pdo);
echo 'consistency: ', $problems ? implode('; ', $problems) : 'ok', "\n";
?>
--EXPECT--
Redis up                           20/20 writes returned, 0 waited for a timeout, state=connected, new attempts=0, published more, failed none
Redis killed                       30/30 writes returned, 0 waited for a timeout, state=backoff, new attempts=1, published none, failed more
still killed, within the interval  30/30 writes returned, 0 waited for a timeout, state=backoff, new attempts=0, published none, failed more
restarted, interval not over       10/10 writes returned, 0 waited for a timeout, state=backoff, new attempts=0, published none, failed more
restarted, after the interval      20/20 writes returned, 0 waited for a timeout, state=connected, new attempts=1, published more, failed none
Redis stopped (SIGSTOP)            30/30 writes returned, 1 waited for a timeout, state=backoff, new attempts=0, published none, failed more
still stopped, within the interval 20/20 writes returned, 0 waited for a timeout, state=backoff, new attempts=0, published none, failed more
still stopped, after the interval  20/20 writes returned, 1 waited for a timeout, state=backoff, new attempts=1, published none, failed more
continued (SIGCONT)                20/20 writes returned, 0 waited for a timeout, state=connected, new attempts=1, published more, failed none
killed and restarted between writes 20/20 writes returned, 0 waited for a timeout, state=connected, new attempts=1, published more, failed none
process 0, Redis stopped: 15/15 writes returned, 1 waited for a timeout, attempts=1, state=backoff
process 1, Redis stopped: 15/15 writes returned, 1 waited for a timeout, attempts=1, state=backoff
process 2, Redis stopped: 15/15 writes returned, 1 waited for a timeout, attempts=1, state=backoff
messages stored: all
consistency: ok

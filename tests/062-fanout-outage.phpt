--TEST--
fanout: Redis down (writes keep working, failures counted, backoff respected), restarted (resumes by itself), stalled (one timeout)
--SKIPIF--
<?php require __DIR__ . '/fanout.inc'; ec_fanout_skipif('EBLA_CHAT_TEST_REDIS_SERVER'); ?>
--INI--
ebla_chat.redis_timeout=0.3
ebla_chat.redis_retry_interval=30
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/fanout.inc';

$port = ec_free_port();
$server = ec_redis_server_start($port);
ini_set('ebla_chat.redis_url', "tcp://127.0.0.1:$port");
$msg = '{"userId":"u1","topicId":"eblaChat.message"}';

function status(string $label): void
{
    $s = ebla_chat_fanout_status();
    printf("%-28s state=%s attempts=%d published=%d failed=%d retryAt=%s lastError=%s\n", $label, $s['state'],
        $s['attempts'], $s['published'], $s['failed'], $s['retryAt'] === null ? 'no' : 'yes',
        $s['lastError'] === null ? '-' : preg_replace('/:\d+/', ':PORT', $s['lastError']));
}

/** Sends and prints how long it took, in coarse buckets. */
function send(string $msg): string
{
    $t = microtime(true);
    $ok = ebla_chat_fanout_send($msg);
    // Under valgrind (run-tests.php -m sets USE_ZEND_ALLOC=0) PHP itself runs many times slower.
    $scale = getenv('USE_ZEND_ALLOC') === '0' ? 4 : 1;
    $ms = (microtime(true) - $t) * 1000;
    // "At once" is far below the 300 ms timeout; "within one timeout" is the timeout plus overhead.
    return var_export($ok, true) . ($ms < 250 ? ' (at once)' : ($ms < 450 * $scale ? ' (within one timeout)' : " (SLOW: $ms ms)"));
}

status('before');
echo 'send: ', send($msg), "\n";
status('up');

echo "-- Redis restarts between two publishes: the stale persistent socket is noticed, nothing fails\n";
ec_redis_server_stop($server);
$server = ec_redis_server_start($port);
echo 'send: ', send($msg), "\n";
status('after restart');

echo "-- Redis goes down\n";
ec_redis_server_stop($server);
echo 'send: ', send($msg), "\n";
status('down');
echo "-- within the retry interval: no new attempt, dropped at once\n";
for ($i = 0; $i < 3; $i++) {
    echo 'send: ', send($msg), "\n";
}
status('backoff');
$s = ebla_chat_fanout_status();
echo 'retryIn within (25, 30]: ', var_export($s['retryIn'] > 25 && $s['retryIn'] <= 30.0, true), "\n";
ob_start();
phpinfo(INFO_MODULES);
$info = ob_get_clean();
echo 'phpinfo shows backoff: ', var_export(str_contains($info, 'State => backoff'), true), "\n";

echo "-- Redis is back, but the interval has not passed: still no attempt\n";
$server = ec_redis_server_start($port);
echo 'send: ', send($msg), "\n";
status('back, in backoff');
echo "-- after the interval (shortened to 0.2 s, which applies at once): publishing resumes by itself\n";
ini_set('ebla_chat.redis_retry_interval', '0.2');
usleep((int) (ebla_chat_fanout_status()['retryIn'] * 1e6) + 50000);
echo 'send: ', send($msg), "\n";
status('resumed');

echo "-- a server that accepts but never answers: one command timeout, then backoff\n";
ec_redis_server_stop($server);
$mute = stream_socket_server('tcp://127.0.0.1:0');
$mutePort = (int) substr(strrchr(stream_socket_get_name($mute, false), ':'), 1);
ini_set('ebla_chat.redis_url', "tcp://127.0.0.1:$mutePort");   // a new URL: a fresh start, no backoff
echo 'send: ', send($msg), "\n";
status('stalled');
echo 'send: ', send($msg), "\n";
fclose($mute);
?>
--EXPECT--
before                       state=idle attempts=0 published=0 failed=0 retryAt=no lastError=-
send: true (at once)
up                           state=connected attempts=1 published=1 failed=0 retryAt=no lastError=-
-- Redis restarts between two publishes: the stale persistent socket is noticed, nothing fails
send: true (at once)
after restart                state=connected attempts=2 published=2 failed=0 retryAt=no lastError=-
-- Redis goes down
send: false (at once)
down                         state=backoff attempts=3 published=2 failed=1 retryAt=yes lastError=cannot connect to Redis at 127.0.0.1:PORT: Connection refused
-- within the retry interval: no new attempt, dropped at once
send: false (at once)
send: false (at once)
send: false (at once)
backoff                      state=backoff attempts=3 published=2 failed=4 retryAt=yes lastError=cannot connect to Redis at 127.0.0.1:PORT: Connection refused
retryIn within (25, 30]: true
phpinfo shows backoff: true
-- Redis is back, but the interval has not passed: still no attempt
send: false (at once)
back, in backoff             state=backoff attempts=3 published=2 failed=5 retryAt=yes lastError=cannot connect to Redis at 127.0.0.1:PORT: Connection refused
-- after the interval (shortened to 0.2 s, which applies at once): publishing resumes by itself
send: true (at once)
resumed                      state=connected attempts=4 published=3 failed=5 retryAt=no lastError=cannot connect to Redis at 127.0.0.1:PORT: Connection refused
-- a server that accepts but never answers: one command timeout, then backoff
send: false (within one timeout)
stalled                      state=backoff attempts=5 published=3 failed=6 retryAt=yes lastError=Redis at 127.0.0.1:PORT: no reply within ebla_chat.redis_timeout (0.3 s)
send: false (at once)

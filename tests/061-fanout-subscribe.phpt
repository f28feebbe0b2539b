--TEST--
fanout: ebla_chat_subscribe against a real Redis (delivery, time limit, callback false, exceptions, ConnectionException)
--SKIPIF--
<?php require __DIR__ . '/fanout.inc'; ec_fanout_skipif('EBLA_CHAT_TEST_REDIS_URL'); ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/fanout.inc';

$url = ec_service('EBLA_CHAT_TEST_REDIS_URL');
$node = ec_host_port($url);
$prefix = ec_test_prefix();
ini_set('ebla_chat.redis_url', $url);
ini_set('ebla_chat.redis_prefix', $prefix);
$channel = ebla_chat_fanout_channel();
$ini = ['ebla_chat.redis_url' => $url, 'ebla_chat.redis_prefix' => $prefix];

echo "-- a subscriber process receives what ebla_chat_fanout_send publishes, as-is, in order\n";
$sub = ec_subscriber_start([$channel], $ini, 10.0);
ec_wait_subscribed([$node], [$channel]);
$messages = [
    '{"dialogId":"d1","unread":1,"userId":"u1","topicId":"eblaChat.message"}',
    '{"createdById":"u2","topicId":"streamUpdate.Dialog.d1"}',
    '{"text":"ünïcødé \u00e9 \"quoted\"","userId":"u3","topicId":"newNotification"}',
];
foreach ($messages as $m) {
    var_dump(ebla_chat_fanout_send($m));
}
ebla_chat_fanout_send('{"topicId":"test.stop"}');
$events = ec_subscriber_events($sub);
ec_print_events($events, [$prefix => '<prefix>:']);
$s = ebla_chat_fanout_status();
echo "state=$s[state] published=$s[published] failed=$s[failed] attempts=$s[attempts]\n";

echo "-- the time limit: no message, returns 0 after about the timeout\n";
$t = microtime(true);
var_dump(ebla_chat_subscribe([$prefix . 'nothing'], fn() => true, 0.3));
$took = microtime(true) - $t;
echo $took >= 0.29 && $took < 1.5 ? "took about 0.3 s\n" : "took $took s\n";

echo "-- messages published while subscribed (RESP client in a child), callback false stops\n";
$publisher = proc_open(array_merge(ec_child_php(), ['-r', '
    require "' . __DIR__ . '/fanout.inc";
    ec_wait_subscribed(["' . $node . '"], ["' . $prefix . 'a", "' . $prefix . 'b"]);
    foreach (["a1", "b1", "a2", "stop", "never"] as $m) { ec_resp("' . $node . '", ["PUBLISH", "' . $prefix . '" . $m[0], $m]); }
']), [], $pipes);
$seen = [];
$n = ebla_chat_subscribe([$prefix . 'a', $prefix . 'b', $prefix . 's'], function ($ch, $payload) use (&$seen, $prefix) {
    $seen[] = substr($ch, strlen($prefix)) . '=' . $payload;
    return $payload !== 'stop';
}, 10.0);
proc_close($publisher);
echo "returned $n: ", implode(' ', $seen), "\n";

echo "-- an exception thrown by the callback propagates\n";
$publisher = proc_open(array_merge(ec_child_php(), ['-r', '
    require "' . __DIR__ . '/fanout.inc";
    ec_wait_subscribed(["' . $node . '"], ["' . $prefix . 'x"]);
    ec_resp("' . $node . '", ["PUBLISH", "' . $prefix . 'x", "boom"]);
']), [], $pipes);
ec_throws(fn() => ebla_chat_subscribe([$prefix . 'x'], function ($ch, $p) { throw new LogicException("callback says $p"); }, 10.0));
proc_close($publisher);

echo "-- argument checks\n";
ec_throws(fn() => ebla_chat_subscribe([], fn() => true, 0.1));
ec_throws(fn() => ebla_chat_subscribe([''], fn() => true, 0.1));
ec_throws(fn() => ebla_chat_subscribe([1], fn() => true, 0.1));
ec_throws(fn() => ebla_chat_subscribe(['a'], fn() => true, -1));
ec_throws(fn() => ebla_chat_subscribe(['a'], 'no_such_function', 0.1));

echo "-- ConnectionException when Redis cannot be reached or is not configured\n";
ini_set('ebla_chat.redis_url', 'tcp://127.0.0.1:' . ec_free_port());
ec_throws(fn() => ebla_chat_subscribe(['a'], fn() => true, 0.1));
ini_set('ebla_chat.redis_url', 'unix:///nonexistent/redis.sock');
ec_throws(fn() => ebla_chat_subscribe(['a'], fn() => true, 0.1));
ini_set('ebla_chat.redis_url', 'bogus://x');
ec_throws(fn() => ebla_chat_subscribe(['a'], fn() => true, 0.1));
ini_set('ebla_chat.redis_url', '');
ec_throws(fn() => ebla_chat_subscribe(['a'], fn() => true, 0.1));
ini_set('ebla_chat.redis_url', $url . '?password=wrong');
ec_throws(fn() => ebla_chat_subscribe(['a'], fn() => true, 0.1));
?>
--EXPECTF--
-- a subscriber process receives what ebla_chat_fanout_send publishes, as-is, in order
bool(true)
bool(true)
bool(true)
<prefix>:espo.websocket <- {"dialogId":"d1","unread":1,"userId":"u1","topicId":"eblaChat.message"}
<prefix>:espo.websocket <- {"createdById":"u2","topicId":"streamUpdate.Dialog.d1"}
<prefix>:espo.websocket <- {"text":"ünïcødé \u00e9 \"quoted\"","userId":"u3","topicId":"newNotification"}
<prefix>:espo.websocket <- {"topicId":"test.stop"}
END 4
state=connected published=4 failed=0 attempts=1
-- the time limit: no message, returns 0 after about the timeout
int(0)
took about 0.3 s
-- messages published while subscribed (RESP client in a child), callback false stops
returned 4: a=a1 b=b1 a=a2 s=stop
-- an exception thrown by the callback propagates
LogicException (not EblaChat\Exception): callback says boom
-- argument checks
ValueError (not EblaChat\Exception): ebla_chat_subscribe(): Argument #1 ($channels) must not be empty
ValueError (not EblaChat\Exception): ebla_chat_subscribe(): Argument #1 ($channels) must contain only non-empty strings (channel names)
ValueError (not EblaChat\Exception): ebla_chat_subscribe(): Argument #1 ($channels) must contain only non-empty strings (channel names)
ValueError (not EblaChat\Exception): ebla_chat_subscribe(): Argument #3 ($timeout) must be a finite number of seconds >= 0 (0: no limit)
TypeError (not EblaChat\Exception): ebla_chat_subscribe(): Argument #2 ($onEvent) must be a valid callback, function "no_such_function" not found or invalid function name
-- ConnectionException when Redis cannot be reached or is not configured
EblaChat\ConnectionException: cannot connect to Redis at 127.0.0.1:%d: Connection refused
EblaChat\ConnectionException: cannot connect to Redis at unix:///nonexistent/redis.sock: No such file or directory
EblaChat\ConnectionException: ebla_chat.redis_url must start with tcp://, redis:// or unix:// (got "bogus://x")
EblaChat\ConnectionException: ebla_chat.redis_url is empty: set it to the Redis the writers publish to
EblaChat\ConnectionException: Redis at %s: AUTH failed: %s

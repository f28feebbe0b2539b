--TEST--
fanout: status, channel names of both layouts, configuration errors and message checks (no Redis needed)
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
ebla_chat.redis_url=
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';

$s = ebla_chat_fanout_status();
echo implode(',', array_keys($s)), "\n";
echo "state=$s[state] layout=$s[layout] channel=$s[channel] published=$s[published] failed=$s[failed]\n";
// Off: nothing is sent, nothing is counted.
var_dump(ebla_chat_fanout_send('{"userId":"u1","topicId":"eblaChat.message"}'));
echo ebla_chat_fanout_status()['failed'], "\n";

echo "-- channels\n";
ini_set('ebla_chat.redis_prefix', 'espo1:');
echo ebla_chat_fanout_channel(), "\n";
echo ebla_chat_fanout_channel('u1'), "\n";
ini_set('ebla_chat.redis_sharded', '1');
echo ebla_chat_fanout_channel('u1'), "\n";
echo ebla_chat_fanout_channel(null, 'streamUpdate.Dialog.d1'), "\n";
ec_throws(fn() => ebla_chat_fanout_channel());
echo ebla_chat_fanout_status()['channel'], "\n";
ini_set('ebla_chat.redis_sharded', '0');
ini_set('ebla_chat.redis_prefix', '');

echo "-- bad messages\n";
ini_set('ebla_chat.redis_url', 'tcp://127.0.0.1:1');
ec_throws(fn() => ebla_chat_fanout_send('not json'));
ec_throws(fn() => ebla_chat_fanout_send('["a"]'));
ec_throws(fn() => ebla_chat_fanout_send('{"userId":"u1"}'));
ec_throws(fn() => ebla_chat_fanout_send('{"userId":5,"topicId":"x"}'));

echo "-- bad URLs: counted as failed, lastError says why, writes never throw\n";
foreach (['http://x', 'tcp://', 'tcp://h:99999', 'tcp://h:1/x', 'tcp://h?foo=1', 'unix://'] as $url) {
    ini_set('ebla_chat.redis_url', $url);
    $ok = ebla_chat_fanout_send('{"topicId":"t"}');
    $s = ebla_chat_fanout_status();
    echo str_pad($url, 16), var_export($ok, true), " failed=$s[failed] $s[lastError]\n";
}

echo "-- URL forms\n";
foreach (['tcp://127.0.0.1:6380/2', 'redis://:secret@cache.local', 'tcp://user:p%40ss@[::1]:7000?db=3',
          'unix:///run/redis/redis.sock?password=x&db=1'] as $url) {
    ini_set('ebla_chat.redis_url', $url);
    echo ebla_chat_fanout_status()['target'], "\n";
}

echo "-- phpinfo\n";
ini_set('ebla_chat.redis_url', '');
ob_start();
phpinfo(INFO_MODULES);
$info = ob_get_clean();
foreach (['State => disabled', 'Events published => ', 'Events failed => ', 'Last error => '] as $row) {
    echo $row, ': ', var_export(str_contains($info, $row), true), "\n";
}
?>
--EXPECT--
state,layout,target,channel,attempts,published,failed,discarded,abandoned,deferred,lastError,lastErrorAt,retryAt,retryIn
state=disabled layout=single channel=espo.websocket published=0 failed=0
bool(false)
0
-- channels
espo1:espo.websocket
espo1:espo.websocket
espo1:espo.websocket:user:{u1}
espo1:espo.websocket:topic:{streamUpdate.Dialog.d1}
ValueError (not EblaChat\Exception): ebla_chat_fanout_channel(): Argument #1 ($userId) or argument #2 ($topicId) must be given in the sharded layout
espo1:espo.websocket:user:{<userId>} / espo1:espo.websocket:topic:{<topicId>}
-- bad messages
EblaChat\BadRequestException: The message must be a JSON object as EspoCRM's WebSocket Submission builds it
EblaChat\BadRequestException: The message must be a JSON object as EspoCRM's WebSocket Submission builds it
EblaChat\BadRequestException: The message needs a string "topicId" (and "userId", when present, must be a string)
EblaChat\BadRequestException: The message needs a string "topicId" (and "userId", when present, must be a string)
-- bad URLs: counted as failed, lastError says why, writes never throw
http://x        false failed=1 ebla_chat.redis_url must start with tcp://, redis:// or unix:// (got "http://x")
tcp://          false failed=2 no host in ebla_chat.redis_url
tcp://h:99999   false failed=3 invalid port "99999" in ebla_chat.redis_url
tcp://h:1/x     false failed=4 invalid database number "x" in ebla_chat.redis_url
tcp://h?foo=1   false failed=5 unknown parameter "foo" in ebla_chat.redis_url (known: db, password, auth, user)
unix://         false failed=6 no socket path in ebla_chat.redis_url
-- URL forms
127.0.0.1:6380
cache.local:6379
[::1]:7000
unix:///run/redis/redis.sock
-- phpinfo
State => disabled: true
Events published => : true
Events failed => : true
Last error => : true

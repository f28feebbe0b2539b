--TEST--
fanout: every write publishes after its commit, one event per recipient with its own counts (posts, edits, deletes, reads, membership), and keeps working when Redis is down
--SKIPIF--
<?php require __DIR__ . '/fanout.inc'; ec_fanout_skipif('EBLA_CHAT_TEST_REDIS_URL'); ?>
--INI--
pcre.jit=0
ebla_chat.redis_timeout=0.3
ebla_chat.redis_retry_interval=30
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/fanout.inc';

$url = ec_service('EBLA_CHAT_TEST_REDIS_URL');

ec_run(function (PDO $pdo) use ($url) {
    $prefix = ec_test_prefix();
    ini_set('ebla_chat.redis_url', $url);
    ini_set('ebla_chat.redis_prefix', $prefix);
    foreach (['anna', 'bob', 'carl', 'dora'] as $name) {
        ec_user($pdo, $name, 'admin', ['id' => $name]);
    }
    $channel = ebla_chat_fanout_channel();
    $s0 = ebla_chat_fanout_status();
    $sub = ec_subscriber_start([$channel], ['ebla_chat.redis_url' => $url, 'ebla_chat.redis_prefix' => $prefix], 25.0);
    ec_wait_subscribed([ec_host_port($url)], [$channel]);
    $step = fn(string $name) => ebla_chat_fanout_send(json_encode(['topicId' => "test.$name"]));

    $d = ebla_chat_dialog_open($pdo, 'anna', ['bob', 'carl'], ['name' => 'Team']);
    $step('post');
    $m1 = ebla_chat_post($pdo, 'anna', $d['id'], 'hello @bob');
    ebla_chat_post($pdo, 'bob', $d['id'], 'hi all');
    $step('edit');
    ebla_chat_message_edit($pdo, 'anna', $m1['id'], 'hello @bob!');
    $step('read');
    ebla_chat_mark_read($pdo, 'carl', $d['id']);
    $step('members');
    ebla_chat_dialog_members($pdo, 'anna', $d['id'], ['dora'], ['carl']);
    $step('delete');
    ebla_chat_message_delete($pdo, 'anna', $m1['id']);
    $step('direct');
    $direct = ebla_chat_dialog_open($pdo, 'bob', ['dora']);
    ebla_chat_dialog_open($pdo, 'bob', ['dora']);   // reused: no event
    $step('failed-write');
    ec_throws(fn() => ebla_chat_post($pdo, 'carl', $d['id'], 'not a member any more'));
    $step('stop');
    ec_print_events_canonical(ec_subscriber_events($sub), [$prefix => '', $d['id'] => 'D', $direct['id'] => 'DIRECT']);
    $s = ebla_chat_fanout_status();
    echo "published+", $s['published'] - $s0['published'], " failed+", $s['failed'] - $s0['failed'], " deferred=$s[deferred]\n";

    echo "-- Redis down: writes commit and return, the failures are counted, one attempt per interval\n";
    ini_set('ebla_chat.redis_url', 'tcp://127.0.0.1:' . ec_free_port());
    $t = microtime(true);
    $m = ebla_chat_post($pdo, 'anna', $d['id'], 'while Redis is down');
    ebla_chat_mark_read($pdo, 'bob', $d['id']);
    ebla_chat_post($pdo, 'bob', $d['id'], 'still down');
    $took = microtime(true) - $t;
    $s2 = ebla_chat_fanout_status();
    echo "stored: ", var_export(ebla_chat_messages($pdo, 'anna', $d['id'], ['limit' => 1])[0]['text'] === 'still down', true),
        ", within one timeout: ", var_export($took < 1.0, true), "\n";
    echo "state=$s2[state] attempts+", $s2['attempts'] - $s['attempts'], " failed+", $s2['failed'] - $s['failed'],
        " published+", $s2['published'] - $s['published'], "\n";
});
?>
--EXPECT--
EblaChat\ForbiddenException: You are not a member of dialog <id>
espo.websocket <- {"dialogId":"D","action":"created","userId":"anna","topicId":"eblaChat.dialog"}
espo.websocket <- {"dialogId":"D","action":"created","userId":"bob","topicId":"eblaChat.dialog"}
espo.websocket <- {"dialogId":"D","action":"created","userId":"carl","topicId":"eblaChat.dialog"}
espo.websocket <- {"topicId":"test.post"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"anna","unread":0,"mentions":0,"userId":"anna","topicId":"eblaChat.message"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"anna","unread":1,"mentions":0,"userId":"carl","topicId":"eblaChat.message"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"anna","unread":1,"mentions":1,"userId":"bob","topicId":"eblaChat.message"}
espo.websocket <- {"createdById":"anna","topicId":"streamUpdate.Dialog.D"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"bob","unread":0,"mentions":0,"userId":"bob","topicId":"eblaChat.message"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"bob","unread":1,"mentions":0,"userId":"anna","topicId":"eblaChat.message"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"bob","unread":2,"mentions":0,"userId":"carl","topicId":"eblaChat.message"}
espo.websocket <- {"createdById":"bob","topicId":"streamUpdate.Dialog.D"}
espo.websocket <- {"topicId":"test.edit"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","action":"edit","userId":"anna","topicId":"eblaChat.update"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","action":"edit","userId":"bob","topicId":"eblaChat.update"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","action":"edit","userId":"carl","topicId":"eblaChat.update"}
espo.websocket <- {"createdById":"anna","noteId":"<id>","topicId":"streamUpdate.Dialog.D"}
espo.websocket <- {"topicId":"test.read"}
espo.websocket <- {"dialogId":"D","unread":0,"lastReadNumber":<n>,"userId":"carl","topicId":"eblaChat.read"}
espo.websocket <- {"topicId":"test.members"}
espo.websocket <- {"dialogId":"D","action":"added","userId":"dora","topicId":"eblaChat.dialog"}
espo.websocket <- {"dialogId":"D","action":"removed","userId":"carl","topicId":"eblaChat.dialog"}
espo.websocket <- {"topicId":"test.delete"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","action":"delete","userId":"anna","topicId":"eblaChat.update"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","action":"delete","userId":"bob","topicId":"eblaChat.update"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","action":"delete","userId":"dora","topicId":"eblaChat.update"}
espo.websocket <- {"createdById":"anna","noteId":"<id>","topicId":"streamUpdate.Dialog.D"}
espo.websocket <- {"topicId":"test.direct"}
espo.websocket <- {"dialogId":"DIRECT","action":"created","userId":"bob","topicId":"eblaChat.dialog"}
espo.websocket <- {"dialogId":"DIRECT","action":"created","userId":"dora","topicId":"eblaChat.dialog"}
espo.websocket <- {"topicId":"test.failed-write"}
espo.websocket <- {"topicId":"test.stop"}
END 32
published+32 failed+0 deferred=0
-- Redis down: writes commit and return, the failures are counted, one attempt per interval
stored: true, within one timeout: true
state=backoff attempts+1 failed+9 published+0
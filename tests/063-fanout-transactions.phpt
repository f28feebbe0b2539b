--TEST--
fanout: inside the caller's transaction events wait for PDO::commit(), vanish on rollBack() or ROLLBACK TO a savepoint, and are never published before the commit
--SKIPIF--
<?php require __DIR__ . '/fanout.inc'; ec_fanout_skipif('EBLA_CHAT_TEST_REDIS_URL'); ?>
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/fanout.inc';

$url = ec_service('EBLA_CHAT_TEST_REDIS_URL');
ini_set('ebla_chat.redis_url', $url);

ec_run(function (PDO $pdo, string $backend) use ($url) {
    $prefix = ec_test_prefix();
    ini_set('ebla_chat.redis_prefix', $prefix);
    $anna = ec_user($pdo, 'anna', 'admin', ['id' => 'anna']);
    $bob = ec_user($pdo, 'bob', 'admin', ['id' => 'bob']);
    $d = ebla_chat_dialog_open($pdo, $anna, [$bob], ['name' => 'Tx']);
    $channel = ebla_chat_fanout_channel();
    $sub = ec_subscriber_start([$channel], ['ebla_chat.redis_url' => $url, 'ebla_chat.redis_prefix' => $prefix], 25.0);
    ec_wait_subscribed([ec_host_port($url)], [$channel]);
    $marker = fn(string $name) => ebla_chat_fanout_send(json_encode(['topicId' => "test.$name"]));
    $base = ebla_chat_fanout_status();
    $delta = function () use ($base) {
        $s = ebla_chat_fanout_status();
        return sprintf('deferred=%d published+%d discarded+%d abandoned+%d failed+%d', $s['deferred'],
            $s['published'] - $base['published'], $s['discarded'] - $base['discarded'],
            $s['abandoned'] - $base['abandoned'], $s['failed'] - $base['failed']);
    };

    echo "-- rolled back: nothing is published\n";
    $pdo->beginTransaction();
    ebla_chat_post($pdo, $anna, $d['id'], 'rolled back');
    echo "in tx: ", $delta(), "\n";
    $pdo->rollBack();
    echo "after rollBack: ", $delta(), "\n";
    $marker('after-rollback');

    echo "-- committed: published after PDO::commit(), not before\n";
    $pdo->beginTransaction();
    $m = ebla_chat_post($pdo, $anna, $d['id'], 'committed');
    ebla_chat_mark_read($pdo, $bob, $d['id']);
    $marker('before-commit');
    echo "in tx: ", $delta(), "\n";
    $pdo->commit();
    echo "after commit: ", $delta(), "\n";

    echo "-- savepoints as EspoCRM's TransactionManager nests them (exec SAVEPOINT / ROLLBACK TO / RELEASE)\n";
    $pdo->beginTransaction();
    ebla_chat_post($pdo, $anna, $d['id'], 'kept 1');
    $pdo->exec('SAVEPOINT POINT_1');
    ebla_chat_post($pdo, $anna, $d['id'], 'dropped');
    $pdo->exec('ROLLBACK TO SAVEPOINT POINT_1');
    $pdo->exec('RELEASE SAVEPOINT POINT_1');
    $pdo->exec('SAVEPOINT POINT_1');
    ebla_chat_post($pdo, $anna, $d['id'], 'kept 2');
    $pdo->exec('RELEASE SAVEPOINT POINT_1');
    echo "in tx: ", $delta(), "\n";
    $pdo->commit();
    echo "after commit: ", $delta(), "\n";
    echo "messages stored: ", implode(', ', array_map(fn($m) => $m['text'], array_reverse(ebla_chat_messages($pdo, $anna, $d['id'])))), "\n";

    echo "-- a savepoint set before our first write, rolled back to: everything after it goes\n";
    $pdo->beginTransaction();
    $pdo->exec('SAVEPOINT outer_sp');
    ebla_chat_post($pdo, $anna, $d['id'], 'gone 1');
    ebla_chat_post($pdo, $anna, $d['id'], 'gone 2');
    $pdo->exec('ROLLBACK TO SAVEPOINT outer_sp');
    $pdo->commit();
    echo "after commit: ", $delta(), "\n";

    echo "-- a write that fails inside the caller's transaction adds no event\n";
    $pdo->beginTransaction();
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], ''));
    $pdo->commit();
    echo "after commit: ", $delta(), "\n";

    echo "-- a PDO dropped with its transaction open: its events are abandoned\n";
    $other = new PDO('sqlite::memory:');
    $other->beginTransaction();
    var_dump(ebla_chat_fanout_send('{"topicId":"test.never"}', $other));
    echo "waiting: ", $delta(), "\n";
    $other = null;
    echo "dropped: ", $delta(), "\n";

    ebla_chat_fanout_send('{"topicId":"test.stop"}');
    $events = ec_subscriber_events($sub);
    ec_print_events_canonical($events, [$prefix => '', $d['id'] => 'D']);
});
?>
--EXPECTF--
-- rolled back: nothing is published
in tx: deferred=3 published+0 discarded+0 abandoned+0 failed+0
after rollBack: deferred=0 published+0 discarded+3 abandoned+0 failed+0
-- committed: published after PDO::commit(), not before
in tx: deferred=4 published+2 discarded+3 abandoned+0 failed+0
after commit: deferred=0 published+6 discarded+3 abandoned+0 failed+0
-- savepoints as EspoCRM's TransactionManager nests them (exec SAVEPOINT / ROLLBACK TO / RELEASE)
in tx: deferred=6 published+6 discarded+6 abandoned+0 failed+0
after commit: deferred=0 published+12 discarded+6 abandoned+0 failed+0
messages stored: committed, kept 1, kept 2
-- a savepoint set before our first write, rolled back to: everything after it goes
after commit: deferred=0 published+12 discarded+12 abandoned+0 failed+0
-- a write that fails inside the caller's transaction adds no event
EblaChat\BadRequestException: %s
after commit: deferred=0 published+12 discarded+12 abandoned+0 failed+0
-- a PDO dropped with its transaction open: its events are abandoned
bool(true)
waiting: deferred=1 published+12 discarded+12 abandoned+0 failed+0
dropped: deferred=0 published+12 discarded+12 abandoned+1 failed+0
espo.websocket <- {"topicId":"test.after-rollback"}
espo.websocket <- {"topicId":"test.before-commit"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"anna","unread":0,"mentions":0,"userId":"anna","topicId":"eblaChat.message"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"anna","unread":1,"mentions":0,"userId":"bob","topicId":"eblaChat.message"}
espo.websocket <- {"createdById":"anna","topicId":"streamUpdate.Dialog.D"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"anna","unread":0,"mentions":0,"userId":"anna","topicId":"eblaChat.message"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"anna","unread":1,"mentions":0,"userId":"bob","topicId":"eblaChat.message"}
espo.websocket <- {"dialogId":"D","unread":0,"lastReadNumber":<n>,"userId":"bob","topicId":"eblaChat.read"}
espo.websocket <- {"createdById":"anna","topicId":"streamUpdate.Dialog.D"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"anna","unread":0,"mentions":0,"userId":"anna","topicId":"eblaChat.message"}
espo.websocket <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"anna","unread":2,"mentions":0,"userId":"bob","topicId":"eblaChat.message"}
espo.websocket <- {"createdById":"anna","topicId":"streamUpdate.Dialog.D"}
espo.websocket <- {"topicId":"test.stop"}
END 13

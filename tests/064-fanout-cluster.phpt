--TEST--
fanout: sharded layout on a real Redis Cluster (SPUBLISH per user/topic channel, routed by slot, MOVED followed)
--SKIPIF--
<?php require __DIR__ . '/fanout.inc'; ec_fanout_skipif('EBLA_CHAT_TEST_REDIS_CLUSTER'); ?>
--INI--
pcre.jit=0
ebla_chat.redis_sharded=1
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/fanout.inc';

// The variable names at least one node; the masters are whatever the cluster itself reports.
$seeds = explode(',', ec_service('EBLA_CHAT_TEST_REDIS_CLUSTER'));
$url = "tcp://$seeds[0]";
$nodes = [];
foreach (ec_resp($seeds[0], ['CLUSTER', 'SLOTS']) as $range) {
    $nodes[] = $range[2][0] . ':' . $range[2][1];
}
$nodes = array_values(array_unique($nodes));
$prefix = ec_test_prefix();
ini_set('ebla_chat.redis_url', $url);
ini_set('ebla_chat.redis_prefix', $prefix);
$ini = ['ebla_chat.redis_url' => $url, 'ebla_chat.redis_prefix' => $prefix, 'ebla_chat.redis_sharded' => 1];

/** The master owning a channel's slot, by asking the cluster itself. */
function owner(array $nodes, string $channel): string
{
    $slot = ec_resp($nodes[0], ['CLUSTER', 'KEYSLOT', $channel]);
    foreach (ec_resp($nodes[0], ['CLUSTER', 'SLOTS']) as $range) {
        if ($slot >= $range[0] && $slot <= $range[1]) {
            return $range[2][0] . ":" . $range[2][1];
        }
    }
    return '?';
}

// Users whose channels land on every master (the hash tag is the user id).
$users = [];
$owners = [];
for ($i = 0; count($users) < 6 && $i < 200; $i++) {
    $u = "user$i";
    $o = owner($nodes, ebla_chat_fanout_channel($u));
    if (count(array_keys($owners, $o)) < 2) {
        $users[] = $u;
        $owners[$u] = $o;
    }
}
$spread = count(array_unique($owners));
// A cluster has 3 masters or more; six users, at most two per master, reach at least 3 of them.
echo $spread >= 3 ? "users spread over at least 3 masters\n" : "users spread over $spread of " . count($nodes) . " masters\n";

$channels = array_map(fn($u) => ebla_chat_fanout_channel($u), $users);
$topicChannel = ebla_chat_fanout_channel(null, 'streamUpdate.Dialog.d1');
$sub = ec_subscriber_start(array_merge($channels, [$topicChannel]), $ini, 25.0);
ec_wait_subscribed($nodes, array_merge($channels, [$topicChannel]), true);

echo "-- real writes: a group dialog of the six users, a post, a read\n";
$pdo = ec_fresh_pdo('sqlite');
ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
foreach ($users as $u) {
    ec_user($pdo, $u, 'admin', ['id' => $u]);
}
$d = ebla_chat_dialog_open($pdo, $users[0], array_slice($users, 1), ['name' => 'Cluster']);
$topicChannel2 = ebla_chat_fanout_channel(null, "streamUpdate.Dialog.$d[id]");
$m = ebla_chat_post($pdo, $users[0], $d['id'], 'hello cluster');
ebla_chat_mark_read($pdo, $users[1], $d['id']);
ebla_chat_fanout_send('{"createdById":"x","topicId":"streamUpdate.Dialog.d1"}');
$s = ebla_chat_fanout_status();
// The writer opens one connection per master it publishes to: the users' and both topics' masters.
$touched = count(array_unique(array_merge(array_values($owners), [owner($nodes, $topicChannel), owner($nodes, $topicChannel2)])));
echo "state=$s[state] layout=$s[layout] published=$s[published] failed=$s[failed] ",
    $s['attempts'] === $touched ? "attempts: one connection per master written to" : "attempts=$s[attempts] for $touched masters", "\n";

// The stop marker travels through one node; wait until the other nodes delivered what they hold
// (14 events: the topic event, and per user the dialog and message events, user1's read).
ec_subscriber_wait($sub, 14);
ebla_chat_fanout_send(json_encode(['userId' => $users[5], 'topicId' => 'test.stop']));
$events = ec_subscriber_events($sub);
ec_print_events_canonical($events, [$prefix => '', $d['id'] => 'D'], true);

echo "-- every event came on its recipient's own channel\n";
$wrong = 0;
foreach ($events as $e) {
    if (is_array($e)) {
        $expected = isset($e[1]['userId']) ? ebla_chat_fanout_channel($e[1]['userId']) : ebla_chat_fanout_channel(null, $e[1]['topicId']);
        $wrong += $e[0] !== $expected;
    }
}
echo "wrong channel: $wrong\n";

echo "-- a slot moves to another master: our stale map gets MOVED, which is followed\n";
$mover = $users[0];
$moverChannel = ebla_chat_fanout_channel($mover);
$slot = ec_resp($nodes[0], ['CLUSTER', 'KEYSLOT', $moverChannel]);
$from = $owners[$mover];
$to = current(array_diff($nodes, [$from]));
$toId = ec_resp($to, ['CLUSTER', 'MYID']);
$fromId = ec_resp($from, ['CLUSTER', 'MYID']);
// Pub/sub channels are not keys: an empty slot can be reassigned at once, target first, on every master.
$assign = function (string $first, string $second, string $id) use ($nodes, $slot) {
    foreach (array_merge([$first, $second], array_diff($nodes, [$first, $second])) as $n) {
        ec_resp($n, ['CLUSTER', 'SETSLOT', $slot, 'NODE', $id]);
    }
};
$assign($to, $from, $toId);
try {
    $sub = ec_subscriber_start([$moverChannel], $ini, 10.0);   // a new subscriber finds the new owner
    ec_wait_subscribed($nodes, [$moverChannel], true);
    $before = ebla_chat_fanout_status();
    var_dump(ebla_chat_fanout_send(json_encode(['userId' => $mover, 'topicId' => 'test.moved'])));
    var_dump(ebla_chat_fanout_send(json_encode(['userId' => $mover, 'topicId' => 'test.stop'])));
    $after = ebla_chat_fanout_status();
    echo "published+", $after['published'] - $before['published'], " failed+", $after['failed'] - $before['failed'],
        " attempts+", $after['attempts'] - $before['attempts'], "\n";
    ec_print_events(ec_subscriber_events($sub), [$prefix => '']);
} finally {
    $assign($from, $to, $fromId);
}
?>
--EXPECTF--
users spread over at least 3 masters
-- real writes: a group dialog of the six users, a post, a read
state=connected layout=sharded published=%d failed=0 attempts: one connection per master written to
espo.websocket:topic:{streamUpdate.Dialog.d1} <- {"createdById":"x","topicId":"streamUpdate.Dialog.d1"}
espo.websocket:user:{user0} <- {"dialogId":"D","action":"created","userId":"user0","topicId":"eblaChat.dialog"}
espo.websocket:user:{user0} <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"user0","unread":0,"mentions":0,"userId":"user0","topicId":"eblaChat.message"}
espo.websocket:user:{user1} <- {"dialogId":"D","action":"created","userId":"user1","topicId":"eblaChat.dialog"}
espo.websocket:user:{user1} <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"user0","unread":1,"mentions":0,"userId":"user1","topicId":"eblaChat.message"}
espo.websocket:user:{user1} <- {"dialogId":"D","unread":0,"lastReadNumber":<n>,"userId":"user1","topicId":"eblaChat.read"}
espo.websocket:user:{user2} <- {"dialogId":"D","action":"created","userId":"user2","topicId":"eblaChat.dialog"}
espo.websocket:user:{user2} <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"user0","unread":1,"mentions":0,"userId":"user2","topicId":"eblaChat.message"}
espo.websocket:user:{user3} <- {"dialogId":"D","action":"created","userId":"user3","topicId":"eblaChat.dialog"}
espo.websocket:user:{user3} <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"user0","unread":1,"mentions":0,"userId":"user3","topicId":"eblaChat.message"}
espo.websocket:user:{user4} <- {"dialogId":"D","action":"created","userId":"user4","topicId":"eblaChat.dialog"}
espo.websocket:user:{user4} <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"user0","unread":1,"mentions":0,"userId":"user4","topicId":"eblaChat.message"}
espo.websocket:user:{user5} <- {"dialogId":"D","action":"created","userId":"user5","topicId":"eblaChat.dialog"}
espo.websocket:user:{user5} <- {"dialogId":"D","messageId":"<id>","number":<n>,"authorId":"user0","unread":1,"mentions":0,"userId":"user5","topicId":"eblaChat.message"}
espo.websocket:user:{user5} <- {"userId":"user5","topicId":"test.stop"}
END 15
-- every event came on its recipient's own channel
wrong channel: 0
-- a slot moves to another master: our stale map gets MOVED, which is followed
bool(true)
bool(true)
published+2 failed+0 attempts+0
espo.websocket:user:{user0} <- {"userId":"user0","topicId":"test.moved"}
espo.websocket:user:{user0} <- {"userId":"user0","topicId":"test.stop"}
END 2
<?php
/**
 * ebla_chat Redis bridge: subscribes to the fan-out channels and prints every message, which is
 * exactly what EspoCRM's WebSocket Pusher::onMessageReceive() would be given.
 *
 *   php -d ebla_chat.redis_url=tcp://127.0.0.1:6379 examples/redis-bridge.php            # human-readable
 *   php -d ebla_chat.redis_url=... examples/redis-bridge.php --lines                     # one payload per line (for RedisSubscriber)
 *   php -d ebla_chat.redis_url=... -d ebla_chat.redis_sharded=1 examples/redis-bridge.php --user=<id> --topic=streamUpdate.Dialog.<id>
 *   php ... examples/redis-bridge.php --timeout=10                                        # stop after 10 s (tests, demos)
 *
 * Single layout: one channel carries everything, no options needed. Sharded layout: name the
 * users (--user, repeatable) and topics (--topic) whose channels to follow.
 * On a lost connection it waits a second and subscribes again (pub/sub keeps no backlog: a
 * client re-syncs with ebla_chat_poll on reconnect). Exit with Ctrl+C.
 */

if (!extension_loaded('ebla_chat')) {
    fwrite(STDERR, "The ebla_chat extension is not loaded (php -d extension=ebla_chat.so ...)\n");
    exit(2);
}
$opts = getopt('', ['lines', 'user:', 'topic:', 'timeout:']);
$lines = isset($opts['lines']);
$timeout = (float) ($opts['timeout'] ?? 0);
$users = (array) ($opts['user'] ?? []);
$topics = (array) ($opts['topic'] ?? []);

if (ini_get('ebla_chat.redis_sharded')) {
    $channels = array_merge(
        array_map(fn($u) => ebla_chat_fanout_channel($u), $users),
        array_map(fn($t) => ebla_chat_fanout_channel(null, $t), $topics)
    );
    if (!$channels) {
        fwrite(STDERR, "Sharded layout: name the channels to follow with --user=<id> and/or --topic=<topicId>\n");
        exit(2);
    }
} else {
    $channels = [ebla_chat_fanout_channel()];
}

$handle = function (string $channel, string $payload) use ($lines): bool {
    if ($lines) {
        // One line per message: the payload is a JSON object, which never holds a raw newline.
        fwrite(STDOUT, $payload . "\n");
        return true;
    }
    $data = json_decode($payload, true);
    printf("[%s] %s -> %s%s\n  %s\n", gmdate('H:i:s'), $channel, $data['topicId'] ?? '?',
        isset($data['userId']) ? " (user {$data['userId']})" : ' (broadcast)', $payload);
    // Inside EspoCRM's WebSocket daemon this would be: $pusher->onMessageReceive($payload);
    return true;
};

if (!$lines) {
    fwrite(STDERR, 'Listening on ' . implode(', ', $channels) . ' at ' . (ebla_chat_fanout_status()['target'] ?? '?') . "\n");
}
$started = microtime(true);
while (true) {
    $left = $timeout > 0 ? $timeout - (microtime(true) - $started) : 0.0;
    if ($timeout > 0 && $left <= 0) {
        break;
    }
    try {
        ebla_chat_subscribe($channels, $handle, $left);
        if ($timeout > 0) {
            break;
        }
    } catch (EblaChat\ConnectionException $e) {
        fwrite(STDERR, 'Redis: ' . $e->getMessage() . " (retrying in 1 s)\n");
        sleep(1);
    }
}

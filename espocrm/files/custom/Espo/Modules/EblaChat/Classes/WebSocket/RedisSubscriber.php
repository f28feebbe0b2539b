<?php

namespace Espo\Modules\EblaChat\Classes\WebSocket;

use Espo\Core\Utils\Log;
use Espo\Core\WebSocket\Pusher;
use Espo\Core\WebSocket\Subscriber;
use React\EventLoop\LoopInterface;
use React\EventLoop\TimerInterface;
use React\Socket\ConnectionInterface;
use React\Socket\Connector;
use Throwable;

/**
 * WebSocket messager "EblaRedis", receiving side, inside EspoCRM's daemon (php websocket.php).
 *
 * Speaks RESP to Redis on the daemon's own React loop (EspoCRM's vendored react/socket): no child
 * process, so nothing outlives the daemon, and the PHP that runs it is the daemon's own. It
 * SUBSCRIBEs to the channel the extension publishes to (ebla_chat_fanout_channel(), single
 * layout) and hands every payload to EspoCRM's Pusher unchanged.
 *
 * Failures: a lost or refused connection is logged with its reason (once a minute while it
 * lasts) and retried with a growing pause (0.25 s doubling up to 5 s); a silent network loss is
 * caught by a PING every 15 s. Events published while the subscriber was not subscribed are lost
 * (pub/sub keeps nothing), so after every reconnect, and after the daemon starts, a broadcast
 * `eblaChat.resync` (and `newNotification`, which EspoCRM's bell answers by refetching its count)
 * tells the clients to refetch what they show. A second resync follows one publisher backoff
 * later: web processes that failed to publish during the outage wait
 * ebla_chat.redis_retry_interval before trying again.
 */
class RedisSubscriber implements Subscriber
{
    private const PING_INTERVAL = 15.0;
    private const DEAD_AFTER = 40.0;
    private const CONNECT_TIMEOUT = 3.0;
    private const FIRST_PAUSE = 0.25;
    private const MAX_PAUSE = 5.0;
    private const DAEMON_RESYNC_AFTER = [3.0, 10.0, 30.0, 60.0];
    private const LOG_EVERY = 60.0;

    private Pusher $pusher;
    private LoopInterface $loop;
    private RedisTarget $target;
    private string $channel;
    private ?ConnectionInterface $connection = null;
    private ?TimerInterface $pingTimer = null;
    private RespParser $parser;
    private float $lastData = 0.0;
    private int $failures = 0;
    private float $downSince = 0.0;
    private float $lastFailureLog = 0.0;
    private bool $everSubscribed = false;
    private int $received = 0;
    private int $dropped = 0;

    public function __construct(private Log $log) {}

    public function subscribe(Pusher $pusher, LoopInterface $loop): void
    {
        $this->pusher = $pusher;
        $this->loop = $loop;
        $this->parser = new RespParser();

        if (!function_exists('ebla_chat_fanout_channel')) {
            $this->log->error('EblaRedis: the ebla_chat extension is not loaded in the WebSocket daemon\'s PHP; ' .
                'start it with the PHP that has the extension (php -d extension=ebla_chat websocket.php).');

            return;
        }

        if (ini_get('ebla_chat.redis_sharded')) {
            $this->log->error('EblaRedis: ebla_chat.redis_sharded = 1 needs a WebSocket tier that subscribes per ' .
                'user; EspoCRM\'s daemon receives the single layout only. Set ebla_chat.redis_sharded = 0.');

            return;
        }

        try {
            $this->target = RedisTarget::fromUrl((string) ini_get('ebla_chat.redis_url'));
        } catch (\InvalidArgumentException $e) {
            $this->log->error('EblaRedis: ' . $e->getMessage() . '; no real-time events.');

            return;
        }

        $this->channel = ebla_chat_fanout_channel();
        $this->log->info("EblaRedis: subscribing to '{$this->channel}' at {$this->target->display}.");
        $this->connect();

        foreach (self::DAEMON_RESYNC_AFTER as $after) {
            $loop->addTimer($after, fn () => $this->resync('daemon'));
        }

        $this->pingTimer = $loop->addPeriodicTimer(self::PING_INTERVAL, fn () => $this->keepAlive());
    }

    private function connect(): void
    {
        $connector = new Connector(['timeout' => self::CONNECT_TIMEOUT], $this->loop);

        $connector->connect($this->target->uri)->then(
            fn (ConnectionInterface $connection) => $this->onConnected($connection),
            fn (Throwable $e) => $this->onLost($e->getMessage()),
        );
    }

    private function onConnected(ConnectionInterface $connection): void
    {
        $this->connection = $connection;
        $this->parser->reset();
        $this->lastData = microtime(true);

        $connection->on('data', function (string $chunk) use ($connection): void {
            $this->onData($connection, $chunk);
        });
        $connection->on('error', fn (Throwable $e) => $this->onLost($e->getMessage(), $connection));
        $connection->on('close', fn () => $this->onLost('connection closed by Redis', $connection));

        $auth = $this->target->authCommand();
        $connection->write(($auth ?? '') . RespParser::command('SUBSCRIBE', $this->channel));
    }

    private function onData(ConnectionInterface $connection, string $chunk): void
    {
        $this->lastData = microtime(true);

        try {
            $replies = $this->parser->feed($chunk);
        } catch (\UnexpectedValueException $e) {
            $this->onLost($e->getMessage(), $connection);
            $connection->close();

            return;
        }

        foreach ($replies as $reply) {
            if ($reply instanceof RespError) {
                $this->onLost('Redis answered ' . $reply->message, $connection);
                $connection->close();

                return;
            }

            if (!is_array($reply) || !isset($reply[0]) || !is_string($reply[0])) {
                continue;
            }

            $kind = strtolower($reply[0]);

            if (($kind === 'message' || $kind === 'smessage') && is_string($reply[2] ?? null)) {
                $this->deliver($reply[2]);
            } elseif ($kind === 'subscribe') {
                $this->onSubscribed();
            }
        }
    }

    private function onSubscribed(): void
    {
        if ($this->failures > 0) {
            $this->log->warning(sprintf(
                'EblaRedis: subscribed again to \'%s\' after %d failed attempt(s), %.1f s without events.',
                $this->channel,
                $this->failures,
                microtime(true) - $this->downSince
            ));
        } else {
            $this->log->info("EblaRedis: subscribed to '{$this->channel}'.");
        }

        // Events were lost if this is not the first subscription, or the first one came late.
        $reconnected = $this->everSubscribed || $this->failures > 0;
        $this->everSubscribed = true;
        $this->failures = 0;

        if ($reconnected) {
            $this->resync('redis');
            $retry = (float) (ini_get('ebla_chat.redis_retry_interval') ?: 5);
            $timeout = (float) (ini_get('ebla_chat.redis_timeout') ?: 0.5);
            $this->loop->addTimer($retry + $timeout + 1.0, fn () => $this->resync('redis'));
        }
    }

    /** Hands one payload to the Pusher; it must be what Submission builds (a JSON object with a topicId). */
    private function deliver(string $payload): void
    {
        $data = json_decode($payload);

        if (!is_object($data) || !isset($data->topicId) || !is_string($data->topicId)) {
            $this->dropped++;
            $this->log->warning('EblaRedis: dropped a message that is not a WebSocket submission: ' .
                substr($payload, 0, 200));

            return;
        }

        $this->received++;

        try {
            if (isset($data->userId) || !$this->deliverToChecked($data)) {
                $this->pusher->onMessageReceive($payload);
            }
        } catch (Throwable $e) {
            $this->log->error('EblaRedis: the Pusher failed on ' . $data->topicId . ': ' . $e->getMessage());
        }
    }

    /**
     * A broadcast (no userId) goes only to the connections whose subscription passed the topic's
     * access check. EspoCRM's Pusher broadcasts through Ratchet's Topic, which holds every
     * connection that asked, refused ones included: a non-member who subscribes to
     * streamUpdate.Dialog.<id> would get the dialog's stream events. Pusher keeps the checked
     * subscriptions per connection (the map it uses for per-user events); this reads it. False
     * when that map is not there (another EspoCRM version): the Pusher delivers as before.
     */
    private function deliverToChecked(object $data): bool
    {
        $read = \Closure::bind(function (): ?array {
            $connections = $this->connections ?? null;
            $topics = $this->connectionIdTopicIdListMap ?? null;

            return is_array($connections) && is_array($topics) ? [$connections, $topics] : null;
        }, $this->pusher, get_class($this->pusher));

        $state = $read();

        if ($state === null) {
            return false;
        }

        [$connections, $topics] = $state;

        foreach ($topics as $connectionId => $topicIds) {
            if (isset($connections[$connectionId]) && in_array($data->topicId, $topicIds, true)) {
                $connections[$connectionId]->event($data->topicId, $data);
            }
        }

        return true;
    }

    /** Tells every client that subscribed to eblaChat.resync (and the bell) to refetch. */
    private function resync(string $reason): void
    {
        foreach (['eblaChat.resync', 'newNotification'] as $topicId) {
            try {
                $data = (object) ['reason' => $reason, 'topicId' => $topicId];

                if (!$this->deliverToChecked($data)) {
                    $this->pusher->onMessageReceive((string) json_encode($data));
                }
            } catch (Throwable $e) {
                $this->log->error('EblaRedis: resync failed: ' . $e->getMessage());
            }
        }
    }

    private function keepAlive(): void
    {
        if (!$this->connection) {
            return;
        }

        if (microtime(true) - $this->lastData > self::DEAD_AFTER) {
            $connection = $this->connection;
            $this->onLost(sprintf('no answer from Redis for %.0f s', self::DEAD_AFTER), $connection);
            $connection->close();

            return;
        }

        $this->connection->write(RespParser::command('PING'));
    }

    private function onLost(string $reason, ?ConnectionInterface $connection = null): void
    {
        if ($connection !== null && $connection !== $this->connection) {
            return; // an old connection's late close
        }

        if ($connection !== null) {
            $this->connection = null;
            $connection->removeAllListeners();
        }

        $now = microtime(true);

        if ($this->failures === 0) {
            $this->downSince = $now;
        }

        $this->failures++;
        $pause = min(self::MAX_PAUSE, self::FIRST_PAUSE * 2 ** min($this->failures - 1, 8));

        if ($this->failures === 1 || $now - $this->lastFailureLog >= self::LOG_EVERY) {
            $this->lastFailureLog = $now;
            $this->log->warning(sprintf(
                'EblaRedis: no subscription at %s (%s); attempt %d, next in %.2f s, events lost since %.1f s ago.',
                $this->target->display,
                $reason,
                $this->failures,
                $pause,
                $now - $this->downSince
            ));
        }

        $this->loop->addTimer($pause, fn () => $this->connect());
    }
}

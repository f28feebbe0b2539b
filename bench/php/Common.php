<?php
/*
 * Shared plumbing of the benchmark: connections, ids, the counting Redis wrapper and the
 * interface the three implementations (ebla_chat in C, EspoWay, SameAlgorithm) share.
 */

declare(strict_types=1);

namespace EblaBench;

use PDO;
use Redis;

/** What every implementation offers; the harness calls nothing else. */
interface Chat
{
    public function name(): string;
    /** Posts a message; returns the message row (README "Functions"). */
    public function post(string $actor, string $dialogId, string $text, array $attachmentIds = []): array;
    /** Newest first, with attachments. */
    public function messages(string $actor, string $dialogId, int $limit = 50): array;
    /** The actor's dialogs, most recent activity first, each with its unread count and last message. */
    public function dialogList(string $actor, int $limit = 50): array;
    /** The bell: total unread of the actor. */
    public function bell(string $actor): int;
    /** Marks everything in the dialog read; returns what is still unread there. */
    public function markRead(string $actor, string $dialogId): int;
    /** One request of the polling fallback: unread (total + per dialog) and new popups. */
    public function poll(string $actor): array;
    /** Users the actor may chat with (first page, by name). */
    public function partners(string $actor, int $limit = 50): array;
}

final class Env
{
    public static function dsn(): string
    {
        $dsn = getenv('EBLA_CHAT_TEST_MYSQL_DSN') ?: 'mysql:host=127.0.0.1;port=13306;dbname=ebla_chat_test;charset=utf8mb4';
        $db = getenv('EBLA_BENCH_DB') ?: 'ebla_chat_bench';
        return preg_replace('/dbname=[^;]*/', "dbname=$db", $dsn);
    }

    public static function dbName(): string
    {
        return getenv('EBLA_BENCH_DB') ?: 'ebla_chat_bench';
    }

    /** The PDO every implementation uses: EspoCRM's settings (exceptions, pdo_mysql defaults). */
    public static function pdo(): PDO
    {
        $pdo = new PDO(self::dsn(), getenv('EBLA_CHAT_TEST_MYSQL_USER') ?: 'ebla', getenv('EBLA_CHAT_TEST_MYSQL_PASSWORD') ?: 'ebla');
        $pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
        return $pdo;
    }

    /** host, port of the Redis URL (tcp://host:port[/db]). */
    public static function redis(): array
    {
        $url = getenv('EBLA_CHAT_TEST_REDIS_URL') ?: 'tcp://127.0.0.1:16379';
        $p = parse_url($url);
        return [$p['host'] ?? '127.0.0.1', (int) ($p['port'] ?? 6379)];
    }

    public static function redisUrl(): string
    {
        return getenv('EBLA_CHAT_TEST_REDIS_URL') ?: 'tcp://127.0.0.1:16379';
    }

    /** Channel prefix of the benchmark, on all three implementations. */
    public const PREFIX = 'ebla_bench:';
    /** The one channel every event goes to (ebla_chat's unsharded layout: EspoCRM's WebSocket
     * daemon subscribes once and routes by the payload's userId). */
    public const CHANNEL = self::PREFIX . 'espo.websocket';
}

/**
 * php-redis, counted: every call that waits for the server is one round trip; a pipeline
 * (multi(Redis::PIPELINE) ... exec()) sends all its commands at once and is one round trip.
 */
final class CountingRedis
{
    public int $roundTrips = 0;
    public int $commands = 0;
    private Redis $redis;

    public function __construct()
    {
        [$host, $port] = Env::redis();
        $this->redis = new Redis();
        // Persistent, like the extension's per-process hiredis context.
        $this->redis->pconnect($host, $port, 0.5);
    }

    public function publish(string $channel, string $message): void
    {
        $this->roundTrips++;
        $this->commands++;
        $this->redis->publish($channel, $message);
    }

    /** @param array<array{0:string,1:string}> $messages channel, payload */
    public function publishPipelined(array $messages): void
    {
        if (!$messages) {
            return;
        }
        $this->roundTrips++;
        $this->commands += count($messages);
        $pipe = $this->redis->multi(Redis::PIPELINE);
        foreach ($messages as [$channel, $payload]) {
            $pipe->publish($channel, $payload);
        }
        $pipe->exec();
    }
}

final class Ids
{
    private static ?int $seq = null;

    /** 17 lowercase hex characters, time-ordered, like EspoCRM's Util::generateId(). */
    public static function generate(): string
    {
        self::$seq ??= random_int(0, 0xffffff);
        self::$seq = (self::$seq + 1) & 0xffffff;
        return substr(sprintf('%011x', intdiv((int) (microtime(true) * 1e6), 16)), -11) . sprintf('%06x', self::$seq);
    }
}

function now(): string
{
    return gmdate('Y-m-d H:i:s');
}

/** JSON as EspoCRM writes it (ORM/Mapper/Util.php). */
function json(array|object $v): string
{
    return json_encode($v, JSON_UNESCAPED_UNICODE);
}

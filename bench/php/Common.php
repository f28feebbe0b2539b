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
    /** The database of this run: mysql (MariaDB, default) or pgsql (PostgreSQL), by EBLA_BENCH_DRIVER. */
    public static function driver(): string
    {
        return getenv('EBLA_BENCH_DRIVER') === 'pgsql' ? 'pgsql' : 'mysql';
    }

    public static function isPg(): bool
    {
        return self::driver() === 'pgsql';
    }

    private static function var(string $what): string
    {
        return 'EBLA_CHAT_TEST_' . (self::isPg() ? 'PGSQL' : 'MYSQL') . '_' . $what;
    }

    public static function dsn(?string $db = null): string
    {
        $dsn = getenv(self::var('DSN')) ?: (self::isPg() ? 'pgsql:host=127.0.0.1;port=15432;dbname=ebla_chat_test'
            : 'mysql:host=127.0.0.1;port=13306;dbname=ebla_chat_test;charset=utf8mb4');
        $db ??= self::dbName();
        return preg_replace('/dbname=[^;]*/', "dbname=$db", $dsn);
    }

    public static function dbName(): string
    {
        return getenv('EBLA_BENCH_DB') ?: 'ebla_chat_bench';
    }

    public static function user(): string
    {
        return getenv(self::var('USER')) ?: 'ebla';
    }

    public static function password(): string
    {
        return getenv(self::var('PASSWORD')) ?: 'ebla';
    }

    /**
     * The PDO every implementation uses: EspoCRM's settings (exceptions, the drivers' defaults).
     * $dialect: on PostgreSQL a BenchPdo, which rewrites the PHP versions' MySQL-flavoured SQL
     * (see Sql::pg); ebla_chat itself gets a plain PDO (it speaks every dialect itself).
     */
    public static function pdo(bool $dialect = false, ?string $db = null): PDO
    {
        $class = $dialect && self::isPg() ? BenchPdo::class : PDO::class;
        $pdo = new $class(self::dsn($db), self::user(), self::password());
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
 * The PHP versions write MySQL's SQL; on PostgreSQL it is rewritten once per prepared statement
 * (statements are cached, so not per call): `quoted` identifiers become "quoted", the literals 0/1
 * compared with or inserted into a boolean column become FALSE/TRUE (EspoCRM's PostgreSQL
 * booleans), and an INSERT into `note` gets RETURNING number, whose value lastInsertId() then
 * returns without another statement, as ebla_chat does on PostgreSQL.
 */
final class Sql
{
    public const BOOLEANS = ['deleted', 'is_muted', 'read', 'is_active', 'is_global', 'is_internal', 'is_pinned',
        'email_is_processed', 'is_featured', 'unread_hint'];

    public static function pg(string $sql): string
    {
        $sql = str_replace('`', '"', $sql);
        $names = implode('|', array_map(fn ($c) => $c === 'read' ? '"read"' : $c, self::BOOLEANS));
        $sql = preg_replace_callback('/(?<![\w"])((?:\w+\.)?(?:' . $names . '))(?![\w"])\s*(=|<>)\s*([01])(?!\w)/',
            fn ($m) => $m[1] . ' ' . $m[2] . ' ' . ($m[3] === '1' ? 'TRUE' : 'FALSE'), $sql);
        if (preg_match('/^\s*INSERT\s+INTO\s+("?\w+"?)\s*\(([^)]*)\)\s*VALUES\s*/is', $sql, $m)) {
            $cols = array_map(fn ($c) => trim($c, " \n\r\t\""), explode(',', $m[2]));
            $sql = $m[0] . self::booleanValues(substr($sql, strlen($m[0])), $cols);
            if (trim($m[1], '"') === 'note' && !preg_match('/\bRETURNING\b/i', $sql)) {
                $sql .= ' RETURNING number';
            }
        }
        return $sql;
    }

    /** The tuples of a VALUES list with 0/1 in boolean columns as FALSE/TRUE; the rest unchanged. */
    private static function booleanValues(string $tail, array $cols): string
    {
        $out = '';
        $depth = 0;
        $quote = false;
        $col = 0;
        $value = '';
        $len = strlen($tail);
        for ($i = 0; $i < $len; $i++) {
            $ch = $tail[$i];
            if ($quote) {
                $value .= $ch;
                if ($ch === "'") {
                    $quote = false;
                }
                continue;
            }
            if ($depth === 0) {
                if ($ch === '(') {
                    $depth = 1;
                    $col = 0;
                    $value = '';
                    $out .= $ch;
                    continue;
                }
                if ($ch !== ',' && !ctype_space($ch)) {
                    return $out . substr($tail, $i); // ON CONFLICT ..., RETURNING ...
                }
                $out .= $ch;
                continue;
            }
            if ($ch === "'") {
                $quote = true;
                $value .= $ch;
            } elseif ($ch === '(') {
                $depth++;
                $value .= $ch;
            } elseif (($ch === ',' || $ch === ')') && $depth === 1) {
                $v = trim($value);
                if (($v === '0' || $v === '1') && in_array($cols[$col] ?? '', self::BOOLEANS, true)) {
                    $value = str_replace($v, $v === '1' ? 'TRUE' : 'FALSE', $value);
                }
                $out .= $value . $ch;
                $value = '';
                $col++;
                if ($ch === ')') {
                    $depth = 0;
                }
            } else {
                if ($ch === ')') {
                    $depth--;
                }
                $value .= $ch;
            }
        }
        return $out . $value;
    }
}

/** PostgreSQL connection of the PHP versions: their SQL rewritten by Sql::pg (see there). */
final class BenchPdo extends PDO
{
    private ?int $returned = null;

    public function prepare(string $query, array $options = []): \PDOStatement|false
    {
        $sql = Sql::pg($query);
        if (preg_match('/\bRETURNING\s+number\s*$/i', $sql)) {
            $options[PDO::ATTR_STATEMENT_CLASS] = [ReturningStatement::class, [$this]];
        }
        return parent::prepare($sql, $options);
    }

    public function exec(string $statement): int|false
    {
        return parent::exec(Sql::pg($statement));
    }

    public function query(string $query, ?int $fetchMode = null, mixed ...$fetchModeArgs): \PDOStatement|false
    {
        return $fetchMode === null ? parent::query(Sql::pg($query)) : parent::query(Sql::pg($query), $fetchMode, ...$fetchModeArgs);
    }

    /** @internal */
    public function returned(int $number): void
    {
        $this->returned = $number;
    }

    public function lastInsertId(?string $name = null): string|false
    {
        return $this->returned !== null && $name === null ? (string) $this->returned : parent::lastInsertId($name);
    }
}

/** An INSERT ... RETURNING number: executing it hands the number to its BenchPdo. */
final class ReturningStatement extends \PDOStatement
{
    protected function __construct(private BenchPdo $owner)
    {
    }

    public function execute(?array $params = null): bool
    {
        $ok = parent::execute($params);
        if ($ok) {
            $this->owner->returned((int) $this->fetchColumn());
        }
        return $ok;
    }
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

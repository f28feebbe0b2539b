<?php
/*
 * One hot dialog: 4 processes posting to the same dialog at once, for ebla_chat (C), SameAlgorithm
 * and EspoWay (bench/README.md), on MariaDB and PostgreSQL. Every post of one dialog takes that
 * dialog's row lock, so what bounds the throughput is how long each post holds it: the round trips
 * made while it is held. Runnable on its own, next to the services of scripts/services.sh:
 *
 *   php bench/hot.php [--seconds=4] [--rounds=3] [--members=10] [--procs=4]
 *                     [--backends=mysql,pgsql] [--impls=c,same,espo] [--json=OUT.json]
 *   php bench/hot.php --wire [--backends=...]   round trips per post, counted on the wire (strace)
 *   --before=OTHER.so   also runs ebla_chat built from another tree (e.g. main before a change),
 *                       interleaved with the others, as "before"
 *
 * The extension is loaded from EBLA_BENCH_SO, else modules/ebla_chat.so (built by run.sh or
 * scripts/test.sh). Each backend gets a fresh database `ebla_bench_hot` (EBLA_BENCH_HOT_DB): the
 * core tables of ebla_chat_schema(), EspoCRM's notification table for EspoWay, 4 authors plus
 * quiet members, and one group dialog per implementation. Redis (EBLA_CHAT_TEST_REDIS_URL) is on,
 * as in production: every post publishes its events after its commit. Per round the
 * implementations run one after the other in a rotating order; reported: posts per second of the
 * 4 processes together (median of the rounds, and the range), and at the end the dialogs of
 * ebla_chat and SameAlgorithm are recounted (message_count against their notes, the last message).
 *
 * On PostgreSQL, the PHP versions' statements written for MySQL go through bench.php's BenchPdo
 * (php/Common.php: quoting and boolean literals, RETURNING for the note's number), as in bench.php.
 */

declare(strict_types=1);

namespace EblaBench;

use PDO;

$opts = getopt('', ['seconds:', 'rounds:', 'members:', 'procs:', 'backends:', 'impls:', 'json:', 'wire', 'worker:', 'wire-child:', 'before:']);
$so = getenv('EBLA_BENCH_SO') ?: dirname(__DIR__) . '/modules/ebla_chat.so';
if (!extension_loaded('ebla_chat')) {
    if (!is_file($so)) {
        fwrite(STDERR, "hot.php: $so not found (build the extension, or set EBLA_BENCH_SO)\n");
        exit(1);
    }
    // Run again with the extension loaded.
    $cmd = array_merge([PHP_BINARY, '-d', "extension=$so"], array_slice($argv, 0));
    $proc = proc_open($cmd, [STDIN, STDOUT, STDERR], $pipes);
    exit(proc_close($proc));
}

require __DIR__ . '/php/bootstrap.php';

final class Hot
{
    public const AUTHORS = 4;

    public static function dsn(string $backend): string
    {
        $dsn = $backend === 'mysql'
            ? (getenv('EBLA_CHAT_TEST_MYSQL_DSN') ?: 'mysql:host=127.0.0.1;port=13306;dbname=ebla_chat_test;charset=utf8mb4')
            : (getenv('EBLA_CHAT_TEST_PGSQL_DSN') ?: 'pgsql:host=127.0.0.1;port=15432;dbname=ebla_chat_test');
        return preg_replace('/dbname=[^;]*/', 'dbname=' . self::dbName(), $dsn);
    }

    public static function dbName(): string
    {
        return getenv('EBLA_BENCH_HOT_DB') ?: 'ebla_bench_hot';
    }

    /** @return array{0:string,1:string} */
    public static function credentials(string $backend): array
    {
        $k = $backend === 'mysql' ? 'MYSQL' : 'PGSQL';
        return [getenv("EBLA_CHAT_TEST_{$k}_USER") ?: 'ebla', getenv("EBLA_CHAT_TEST_{$k}_PASSWORD") ?: 'ebla'];
    }

    public static function pdo(string $backend, bool $spelling = false): PDO
    {
        [$user, $pass] = self::credentials($backend);
        $class = $spelling && $backend === 'pgsql' ? BenchPdo::class : PDO::class;
        return new $class(self::dsn($backend), $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    }

    public static function user(int $i): string
    {
        return sprintf('2%016x', $i);
    }

    public static function dialog(string $impl): string
    {
        return substr('3' . bin2hex($impl) . str_repeat('0', 17), 0, 17);
    }

    public static function chat(string $impl, string $backend): Chat
    {
        return match ($impl) {
            'c', 'before' => new CExt(self::pdo($backend)),
            'same' => new SameAlgorithm(self::pdo($backend, true), new CountingRedis()),
            'espo' => new EspoWay(self::pdo($backend, true), new CountingRedis()),
        };
    }

    /** A fresh database with the tables, the users and one dialog per implementation. */
    public static function setup(string $backend, int $members, array $impls): void
    {
        [$user, $pass] = self::credentials($backend);
        $db = self::dbName();
        $admin = new PDO(preg_replace('/dbname=[^;]*/', 'dbname=' . ($backend === 'mysql' ? 'mysql' : 'postgres'), self::dsn($backend)),
            $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        if ($backend === 'mysql') {
            $admin->exec("DROP DATABASE IF EXISTS `$db`");
            $admin->exec("CREATE DATABASE `$db` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } else {
            $admin->exec("DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)");
            $admin->exec("CREATE DATABASE \"$db\"");
        }
        $admin = null;
        $pdo = self::pdo($backend);
        ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
        self::notificationTable($pdo, $backend);
        $now = now();
        $q = $backend === 'mysql' ? '`' : '"';
        $ins = $pdo->prepare("INSERT INTO {$q}user{$q} (id, deleted, user_name, type, first_name, last_name, is_active, created_at)
            VALUES (?, FALSE, ?, 'regular', 'Hot', ?, TRUE, ?)");
        for ($i = 0; $i < max($members, self::AUTHORS); $i++) {
            $ins->execute([self::user($i), "hot$i", "User $i", $now]);
        }
        $dialog = $pdo->prepare("INSERT INTO dialog (id, name, deleted, type, created_at, modified_at, created_by_id)
            VALUES (?, ?, FALSE, 'Group', ?, ?, ?)");
        $member = $pdo->prepare('INSERT INTO dialog_user (dialog_id, user_id, deleted, read_count, last_read_number,
            notified_number, mention_count, is_muted, joined_at) VALUES (?, ?, FALSE, 0, 0, 0, 0, FALSE, ?)');
        foreach ($impls as $impl) {
            $dialog->execute([self::dialog($impl), "hot $impl", $now, $now, self::user(0)]);
            for ($i = 0; $i < max($members, self::AUTHORS); $i++) {
                $member->execute([self::dialog($impl), self::user($i), $now]);
            }
        }
    }

    /** EspoCRM's notification table (EspoWay writes a row per recipient), with its indexes. */
    private static function notificationTable(PDO $pdo, string $backend): void
    {
        $indexes = ['IDX_CREATED_AT' => 'created_at', 'IDX_USER' => 'user_id, number',
            'IDX_USER_ID_READ_RELATED_PARENT_TYPE' => 'user_id, deleted, "read", related_parent_type', 'IDX_ACTION_ID' => 'action_id',
            'IDX_USER_ID' => 'user_id', 'IDX_RELATED' => 'related_id, related_type',
            'IDX_RELATED_PARENT' => 'related_parent_id, related_parent_type', 'IDX_CREATED_BY_ID' => 'created_by_id'];
        if ($backend === 'mysql') {
            $pdo->exec("CREATE TABLE notification (id VARCHAR(17) NOT NULL, deleted TINYINT(1) NULL DEFAULT 0,
                number BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, data MEDIUMTEXT NULL, type VARCHAR(255) NULL,
                `read` TINYINT(1) NOT NULL DEFAULT 0, email_is_processed TINYINT(1) NOT NULL DEFAULT 0, created_at DATETIME NULL,
                message MEDIUMTEXT NULL, action_id VARCHAR(36) NULL, is_featured TINYINT(1) NOT NULL DEFAULT 0,
                user_id VARCHAR(17) NULL, related_id VARCHAR(17) NULL, related_type VARCHAR(100) NULL,
                related_parent_id VARCHAR(17) NULL, related_parent_type VARCHAR(100) NULL, created_by_id VARCHAR(17) NULL,
                PRIMARY KEY (id), UNIQUE KEY UNIQ_NUMBER (number)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
            foreach ($indexes as $name => $cols) {
                $pdo->exec("CREATE INDEX $name ON notification (" . str_replace('"', '`', $cols) . ')');
            }
            return;
        }
        $pdo->exec('CREATE TABLE notification (id VARCHAR(17) NOT NULL PRIMARY KEY, deleted BOOLEAN DEFAULT FALSE,
            number BIGSERIAL NOT NULL UNIQUE, data TEXT NULL, type VARCHAR(255) NULL, "read" BOOLEAN NOT NULL DEFAULT FALSE,
            email_is_processed BOOLEAN NOT NULL DEFAULT FALSE, created_at TIMESTAMP NULL, message TEXT NULL,
            action_id VARCHAR(36) NULL, is_featured BOOLEAN NOT NULL DEFAULT FALSE, user_id VARCHAR(17) NULL,
            related_id VARCHAR(17) NULL, related_type VARCHAR(100) NULL, related_parent_id VARCHAR(17) NULL,
            related_parent_type VARCHAR(100) NULL, created_by_id VARCHAR(17) NULL)');
        foreach ($indexes as $name => $cols) {
            $pdo->exec("CREATE INDEX " . strtolower($name) . "_n ON notification ($cols)");
        }
    }

    /** What the dialogs hold after a run: "exact" or the differences. */
    public static function recount(string $backend, array $impls): string
    {
        $pdo = self::pdo($backend);
        $bad = [];
        foreach ($impls as $impl) {
            $d = self::dialog($impl);
            $notes = (int) $pdo->query("SELECT COUNT(*) FROM note WHERE parent_id = '$d' AND deleted = FALSE")->fetchColumn();
            $row = $pdo->query("SELECT message_count, last_message_number FROM dialog WHERE id = '$d'")->fetch(PDO::FETCH_NUM);
            $max = (int) $pdo->query("SELECT COALESCE(MAX(number), 0) FROM note WHERE parent_id = '$d'")->fetchColumn();
            if ($impl !== 'espo' && (int) $row[0] !== $notes) {
                $bad[] = "$impl: message_count {$row[0]}, $notes notes";
            }
            // (EspoWay does not lock the dialog: its last message may fall behind under concurrency.)
            if ($impl !== 'espo' && (int) $row[1] !== $max) {
                $bad[] = "$impl: last_message_number {$row[1]}, newest note $max";
            }
        }
        return $bad ? 'WRONG: ' . implode('; ', $bad) : 'exact';
    }
}

/** A worker: posts to its implementation's hot dialog from the start file's time until the deadline. */
function worker(array $a): void
{
    ini_set('ebla_chat.redis_url', Env::redisUrl());
    ini_set('ebla_chat.redis_prefix', Env::PREFIX);
    $chat = Hot::chat($a['impl'], $a['backend']);
    $actor = Hot::user($a['n']);
    $dialog = Hot::dialog($a['impl']);
    $chat->post($actor, $dialog, 'warm-up');   // caches, statements, connections
    echo "ready\n";
    while (!file_exists($a['go'])) {
        usleep(200);
    }
    $end = hrtime(true) + (int) ($a['seconds'] * 1e9);
    $n = 0;
    while (hrtime(true) < $end) {
        $chat->post($actor, $dialog, "hot message $n from {$a['n']}");
        $n++;
    }
    echo "posts $n\n";
}

/** One timed run: $procs processes posting at once; posts per second of them all. */
function run(string $backend, string $impl, int $procs, float $seconds): float
{
    $go = tempnam(sys_get_temp_dir(), 'ebla_hot') . '.go';
    $children = [];
    for ($i = 0; $i < $procs; $i++) {
        $cmd = [PHP_BINARY, '-d', 'extension=' . ($impl === 'before' ? $GLOBALS['opts']['before'] : $GLOBALS['so']), __FILE__, '--worker=' . json_encode(
            ['backend' => $backend, 'impl' => $impl, 'n' => $i % Hot::AUTHORS, 'go' => $go, 'seconds' => $seconds])];
        $children[$i] = [proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes), $pipes];
        $line = fgets($pipes[1]);
        if (trim((string) $line) !== 'ready') {
            throw new \RuntimeException("worker of $impl on $backend: " . $line . stream_get_contents($pipes[2]));
        }
    }
    touch($go);
    $total = 0;
    foreach ($children as [$proc, $pipes]) {
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        proc_close($proc);
        if (!preg_match('/posts (\d+)/', $out, $m)) {
            throw new \RuntimeException("worker of $impl on $backend: $out");
        }
        $total += (int) $m[1];
    }
    unlink($go);
    return $total / $seconds;
}

/** Round trips per post on the wire: each implementation posts 3 times between markers. */
function wireChild(array $a): void
{
    ini_set('ebla_chat.redis_url', Env::redisUrl());
    ini_set('ebla_chat.redis_prefix', Env::PREFIX);
    foreach ($a['impls'] as $impl) {
        $chat = Hot::chat($impl, $a['backend']);
        $chat->post(Hot::user(0), Hot::dialog($impl), 'warm-up');
        for ($i = 0; $i < 3; $i++) {
            fwrite(STDERR, "@@BEGIN $impl|post|{$a['members']}|hot\n");
            $chat->post(Hot::user(0), Hot::dialog($impl), "counted $i");
            fwrite(STDERR, "@@END\n");
        }
    }
}

if (isset($opts['worker'])) {
    worker(json_decode($opts['worker'], true));
    exit(0);
}
if (isset($opts['wire-child'])) {
    wireChild(json_decode($opts['wire-child'], true));
    exit(0);
}
$seconds = (float) ($opts['seconds'] ?? 4);
$rounds = (int) ($opts['rounds'] ?? 3);
$members = (int) ($opts['members'] ?? 10);
$procs = (int) ($opts['procs'] ?? 4);
$backends = explode(',', $opts['backends'] ?? 'mysql,pgsql');
$impls = explode(',', $opts['impls'] ?? 'c,same,espo');
$names = ['c' => 'ebla_chat (C)', 'before' => 'ebla_chat before (C)', 'same' => 'SameAlgorithm (PHP)', 'espo' => 'EspoWay (PHP)'];
if (isset($opts['before'])) {
    $impls[] = 'before';
}

if (isset($opts['wire'])) {
    foreach ($backends as $backend) {
        Hot::setup($backend, $members, $impls);
        $trace = tempnam(sys_get_temp_dir(), 'ebla_hot_trace');
        $json = "$trace.json";
        $port = (string) (parse_url('tcp://' . preg_replace('/^.*host=([^;]+);port=(\d+).*$/', '$1:$2', Hot::dsn($backend)))['port'] ?? '');
        $cmd = ['strace', '-f', '-yy', '-e', 'trace=read,write,readv,writev,recvfrom,sendto,recvmsg,sendmsg', '-o', $trace,
            PHP_BINARY, '-d', "extension=$so", __FILE__, '--wire-child=' . json_encode(['backend' => $backend, 'impls' => $impls, 'members' => $members])];
        $p = proc_open($cmd, [1 => STDOUT, 2 => ['file', '/dev/null', 'w']], $pipes);
        if (proc_close($p) !== 0) {
            fwrite(STDERR, "hot.php --wire needs strace\n");
            exit(1);
        }
        putenv("EBLA_BENCH_MYSQL_PORT=$port");
        passthru(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(__DIR__ . '/wire.php') . ' ' . escapeshellarg($trace) . ' ' . escapeshellarg($json));
        foreach (json_decode(file_get_contents($json), true) as $r) {
            printf("%-6s %-22s database round trips per post: %d, Redis: %d\n", $backend, $names[$r['impl']], $r['mysql_round_trips'], $r['redis_round_trips']);
        }
        unlink($trace);
        unlink($json);
    }
    exit(0);
}

$results = [];
printf("%d processes posting to one dialog of %d members, %.0f s per run, %d rounds (Redis on)\n", $procs, max($members, Hot::AUTHORS), $seconds, $rounds);
foreach ($backends as $backend) {
    Hot::setup($backend, $members, $impls);
    $per = [];
    for ($r = 0; $r < $rounds; $r++) {
        $order = array_merge(array_slice($impls, $r % count($impls)), array_slice($impls, 0, $r % count($impls)));
        foreach ($order as $impl) {
            $per[$impl][] = run($backend, $impl, $procs, $seconds);
        }
    }
    foreach ($impls as $impl) {
        $v = $per[$impl];
        sort($v);
        $results[$backend][$impl] = ['median' => $v[intdiv(count($v), 2)], 'min' => $v[0], 'max' => end($v)];
        printf("%-6s %-22s %7.0f posts/s  (%.0f..%.0f)\n", $backend, $names[$impl], $v[intdiv(count($v), 2)], $v[0], end($v));
    }
    printf("%-6s recount: %s\n", $backend, Hot::recount($backend, $impls));
}
if (isset($opts['json'])) {
    file_put_contents($opts['json'], json_encode(['procs' => $procs, 'members' => $members, 'seconds' => $seconds,
        'rounds' => $rounds, 'load' => sys_getloadavg(), 'results' => $results], JSON_PRETTY_PRINT));
}

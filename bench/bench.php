<?php
/*
 * The benchmark harness (run it through bench/run.sh).
 *
 *   php bench.php setup                 drop + create the database, load the dataset
 *   php bench.php run OUT.json [SCALE]  time every workload, all implementations interleaved
 *   php bench.php wire                  each operation a few times with markers on stderr,
 *                                       for counting round trips under strace (see wire.php)
 *
 * The database is MariaDB, or PostgreSQL with EBLA_BENCH_DRIVER=pgsql (run.sh runs both).
 *
 * Timing: per iteration the implementations run in a rotating order (C, EspoWay, Same; then
 * EspoWay, Same, C; ...), so drift of the machine hits all of them alike. Untimed preparation
 * (e.g. a new message before each mark-read) runs right before each timed call.
 * Counting: on MariaDB one more call per implementation between two SHOW SESSION STATUS on the
 * same connection gives the SQL statements; on PostgreSQL (no such counter, no
 * pg_stat_statements) wire.php counts them in the protocol messages. The Redis wrapper (PHP) and
 * ebla_chat_fanout_status() (C) give the commands.
 */

declare(strict_types=1);

namespace EblaBench;

use PDO;

require __DIR__ . '/php/bootstrap.php';

error_reporting(E_ALL);
ini_set('memory_limit', '2G');

$mode = $argv[1] ?? 'run';

if ($mode === 'setup') {
    $db = Env::dbName();
    if (Env::isPg()) {
        $admin = Env::pdo(false, 'postgres');
        $admin->exec("DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)");
        $admin->exec("CREATE DATABASE \"$db\" ENCODING 'UTF8' TEMPLATE template0");
    } else {
        $admin = Env::pdo(false, 'mysql');
        $admin->exec("DROP DATABASE IF EXISTS `$db`");
        $admin->exec("CREATE DATABASE `$db` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    }
    $dir = sys_get_temp_dir() . '/ebla_bench_load';
    @mkdir($dir, 0755, true);
    chmod($dir, 0755);
    $loader = Env::pdo();
    if (Env::isPg()) {
        $loader->exec("SET maintenance_work_mem = '256MB'");
    }
    $ds = new Dataset($loader, $dir);
    $times = $ds->build();
    foreach ($times as $k => $v) {
        printf("  %-28s %6.1f s\n", $k, $v);
    }
    exit(0);
}

ini_set('ebla_chat.redis_url', Env::redisUrl());
ini_set('ebla_chat.redis_prefix', Env::PREFIX);

$pdo = Env::pdo();
// On MariaDB all three share one connection; on PostgreSQL the PHP versions share one whose SQL
// is rewritten for PostgreSQL (BenchPdo), ebla_chat has its own plain one.
$pdoPhp = Env::isPg() ? Env::pdo(true) : $pdo;
$redisEspo = new CountingRedis();
$redisSame = new CountingRedis();
$impls = [
    'c' => new CExt($pdo),
    'espo' => new EspoWay($pdoPhp, $redisEspo),
    'same' => new SameAlgorithm($pdoPhp, $redisSame),
];
$pdoOf = ['c' => $pdo, 'espo' => $pdoPhp, 'same' => $pdoPhp];
$redisOf = ['espo' => $redisEspo, 'same' => $redisSame];

$U = fn (int $i) => Dataset::user($i);
$seq = 0;
$text = function () use (&$seq) {
    return 'Benchmark message #' . (++$seq) . ': can we move the review to Thursday afternoon?';
};

/*
 * Workloads: [op, label, x, iterations, prepare(impl key, Chat), run(impl key, Chat)].
 * x is what the plot puts on its axis (members or dialogs).
 */
$W = [];
foreach (Dataset::POST_SIZES as $m) {
    $W[] = ['post', "post to a dialog of $m members", $m, $m >= 1000 ? 50 : 100, null,
        fn ($k, Chat $c) => $c->post($U(Dataset::AUTHOR), Dataset::postDialog($k, $m), $text())];
}
foreach (Dataset::READERS as $n => $u) {
    $W[] = ['bell', "bell total, user in $n dialogs", $n, 600, null, fn ($k, Chat $c) => $c->bell($U($u))];
}
foreach (Dataset::READERS as $n => $u) {
    $W[] = ['dialogList', "dialog list (50), user in $n dialogs", $n, 200, null, fn ($k, Chat $c) => $c->dialogList($U($u))];
}
$W[] = ['markRead', 'mark read (1 new message, 10 members)', 10, 150,
    fn ($k, Chat $c) => $c->post($U(Dataset::AUTHOR), Dataset::readDialog($k), $text()),
    fn ($k, Chat $c) => $c->markRead($U(Dataset::READER), Dataset::readDialog($k))];
// The reader's dialogs a new message goes to: [from, to) of the dialog indexes.
$pollDialogs = [10 => [0, 10], 100 => [10, 100], 1000 => [100, 1000],
    10000 => [Dataset::small(0), Dataset::small(Dataset::SMALL)]];
foreach (Dataset::READERS as $n => $u) {
    [$from, $to] = $pollDialogs[$n];
    $pollRound = 0;
    $W[] = ['poll', "poll (unread + popups), user in $n dialogs", $n, 120,
        function ($k, Chat $c) use ($U, $text, $from, $to, &$pollRound, $impls) {
            // A new message by another member in one of the user's dialogs: one popup to show.
            // SameAlgorithm's is written by ebla_chat's post (the same data model): its own post
            // does not stamp dialog.activity, and its poll is to catch up on a post as the
            // engine writes it (bench/README.md, Caveats).
            $d = $from + ($pollRound++ * 7) % ($to - $from);
            $m = Dataset::historyMembers($d);
            ($k === 'same' ? $impls['c'] : $c)->post($U($m[count($m) - 1]), Dataset::dialog($d), $text());
        },
        fn ($k, Chat $c) => $c->poll($U($u))];
}
$W[] = ['partners', 'partners, User read = team (~400 of 10,000)', 400, 200, null, fn ($k, Chat $c) => $c->partners($U(Dataset::P_TEAM))];
$W[] = ['partners', 'partners, User read = all (10,000)', 10000, 100, null, fn ($k, Chat $c) => $c->partners($U(Dataset::P_ALL))];
$W[] = ['messages', 'history page: 50 messages with attachments', 50, 300, null,
    fn ($k, Chat $c) => $c->messages($U(Dataset::U10), Dataset::dialog(0))];
// Counted only (not timed): posting into a dialog that already has hundreds of messages.
$W[] = ['postHistory', 'post to a dialog with ' . Dataset::PER_DIALOG . ' messages of history (4 members)', 4, 0, null,
    fn ($k, Chat $c) => $c->post($U(Dataset::historyMembers(5)[3]), Dataset::dialog(5), $text())];

function sqlStatus(PDO $pdo): array
{
    $out = [];
    foreach ($pdo->query("SHOW SESSION STATUS WHERE Variable_name IN ('Questions', 'Com_select', 'Com_insert', 'Com_update',
            'Com_delete', 'Com_begin', 'Com_commit', 'Com_rollback', 'Com_savepoint', 'Com_release_savepoint',
            'Com_stmt_execute', 'Com_stmt_prepare', 'Com_insert_select')")->fetchAll(PDO::FETCH_NUM) as [$k, $v]) {
        $out[$k] = (int) $v;
    }
    return $out;
}

/**
 * MariaDB: InnoDB's history list (undo not purged yet). Long when a transaction of another
 * session stays open on the server: reads of recently written index pages then check each row's
 * visibility in the clustered index, and every implementation slows down. null elsewhere.
 */
function historyLength(PDO $pdo): ?int
{
    if ($pdo->getAttribute(PDO::ATTR_DRIVER_NAME) !== 'mysql') {
        return null;
    }
    try {
        $v = $pdo->query("SELECT `COUNT` FROM information_schema.INNODB_METRICS WHERE NAME = 'trx_rseg_history_len'")->fetchColumn();
        return $v === false ? null : (int) $v;
    } catch (\PDOException) {
        return null;
    }
}

function fanoutPublished(): int
{
    if (!function_exists('ebla_chat_fanout_status')) {
        return 0;
    }
    $s = ebla_chat_fanout_status();
    return (int) ($s['published'] ?? 0);
}

function available(string $k, string $op): bool
{
    return $k !== 'c' || CExt::available($op === 'postHistory' ? 'post' : $op);
}

if ($mode === 'wire') {
    // A few calls of each operation per implementation, bracketed by markers that strace sees.
    foreach ($W as [$op, $label, $x, $iters, $prep, $run]) {
        foreach ($impls as $k => $impl) {
            if (!available($k, $op)) {
                continue;
            }
            for ($i = 0; $i < 3; $i++) {
                if ($prep) {
                    $prep($k, $impl);
                }
                fwrite(STDERR, "@@BEGIN $k|$op|$x|\n");
                $run($k, $impl);
                fwrite(STDERR, "@@END\n");
            }
        }
    }
    exit(0);
}

$out = $argv[2] ?? __DIR__ . '/results/raw.json';
$scale = (float) ($argv[3] ?? 1.0);
$isPg = Env::isPg();
$results = ['meta' => [
    'driver' => Env::driver(),
    'date' => gmdate('Y-m-d H:i:s') . ' UTC',
    'php' => PHP_VERSION,
    'opcache' => (bool) ini_get('opcache.enable_cli'),
    'ebla_chat' => function_exists('ebla_chat_version') ? ebla_chat_version() : null,
    'server' => $pdo->query($isPg ? 'SHOW server_version' : 'SELECT VERSION()')->fetchColumn(),
    'redis' => (function () { $r = new \Redis(); [$h, $p] = Env::redis(); $r->connect($h, $p); return $r->info('server')['redis_version']; })(),
    'cpu' => trim((string) shell_exec("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2")),
    'cores' => (int) shell_exec('nproc'),
    'settings' => $isPg
        ? sprintf('shared_buffers %s, synchronous_commit %s, fsync %s', $pdo->query('SHOW shared_buffers')->fetchColumn(),
            $pdo->query('SHOW synchronous_commit')->fetchColumn(), $pdo->query('SHOW fsync')->fetchColumn())
        : sprintf('buffer pool %d MB, innodb_flush_log_at_trx_commit=%d',
            (int) $pdo->query('SELECT @@innodb_buffer_pool_size')->fetchColumn() >> 20,
            (int) $pdo->query('SELECT @@innodb_flush_log_at_trx_commit')->fetchColumn()),
    'emulate_prepares' => (bool) $pdo->getAttribute(PDO::ATTR_EMULATE_PREPARES),
    'messages' => Dataset::totalMessages(),
    'load_start' => sys_getloadavg()[0],
    'history_start' => historyLength($pdo),
], 'workloads' => []];

$keys = array_keys($impls);
foreach ($W as $wi => [$op, $label, $x, $iters, $prep, $run]) {
    $iters = (int) max($iters ? 5 : 0, round($iters * $scale));
    $active = array_values(array_filter($keys, fn ($k) => available($k, $op)));
    $times = array_fill_keys($active, []);
    $warm = $iters ? 3 : 0;
    $t0 = microtime(true);
    for ($i = 0; $i < $iters + $warm; $i++) {
        $n = count($active);
        for ($j = 0; $j < $n; $j++) {
            $k = $active[($i + $j) % $n];
            $impl = $impls[$k];
            if ($prep) {
                $prep($k, $impl);
            }
            $s = hrtime(true);
            $run($k, $impl);
            $e = hrtime(true);
            if ($i >= $warm) {
                $times[$k][] = ($e - $s) / 1e3; // µs
            }
        }
    }
    // Counting: one more call each, between two SHOW SESSION STATUS.
    $counts = [];
    foreach ($active as $k) {
        $impl = $impls[$k];
        if (!$iters) {
            // Not timed: one warm call first, so per-process caches are as warm as elsewhere.
            if ($prep) {
                $prep($k, $impl);
            }
            $run($k, $impl);
        }
        if ($prep) {
            $prep($k, $impl);
        }
        $r = $redisOf[$k] ?? null;
        $rt0 = $r?->roundTrips;
        $rc0 = $r?->commands;
        $pub0 = fanoutPublished();
        $a = $isPg ? [] : sqlStatus($pdoOf[$k]);
        $run($k, $impl);
        $b = $isPg ? [] : sqlStatus($pdoOf[$k]);
        $d = [];
        foreach ($b as $name => $v) {
            $d[$name] = $v - ($a[$name] ?? 0);
        }
        if (!$isPg) {
            $d['Questions'] -= 1; // the second SHOW
        }
        $counts[$k] = [
            'sql' => $isPg ? null : $d['Questions'], // PostgreSQL: from the wire (wire.php)
            'com' => array_filter($d, fn ($v, $name) => $v && $name !== 'Questions', ARRAY_FILTER_USE_BOTH),
            'redis_commands' => $r ? $r->commands - $rc0 : fanoutPublished() - $pub0,
            'redis_round_trips' => $r ? $r->roundTrips - $rt0 : null,
        ];
    }
    $stats = [];
    foreach ($times as $k => $ts) {
        if (!$ts) {
            continue;
        }
        sort($ts);
        $q = fn (float $p) => $ts[min(count($ts) - 1, (int) floor($p * (count($ts) - 1) + 0.5))];
        $stats[$k] = ['n' => count($ts), 'median' => $q(0.5), 'p90' => $q(0.9), 'min' => $ts[0]];
    }
    $results['workloads'][] = ['op' => $op, 'label' => $label, 'x' => $x, 'stats' => $stats, 'counts' => $counts];
    $line = sprintf('%-58s', $label);
    foreach ($stats as $k => $s) {
        $line .= sprintf(' %s %8.0f µs', $k, $s['median']);
    }
    fwrite(STDOUT, $line . sprintf('  (%.1f s)', microtime(true) - $t0) . "\n");
}
$results['meta']['load_end'] = sys_getloadavg()[0];
$results['meta']['history_end'] = historyLength($pdo);
@mkdir(dirname($out), 0755, true);
file_put_contents($out, json_encode($results, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE));

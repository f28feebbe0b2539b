<?php
/*
 * Diagnostic: every SQL statement one operation sends, with its server-side duration
 * (MariaDB session profiling), per implementation. MariaDB only. Use after `run.sh` has loaded the data:
 *
 *   php -d extension=modules/ebla_chat.so bench/sqlprofile.php [op] [x]
 *   e.g. bench/sqlprofile.php post 100 ; bench/sqlprofile.php poll 1000
 */

declare(strict_types=1);

namespace EblaBench;

use PDO;

require __DIR__ . '/php/bootstrap.php';

ini_set('ebla_chat.redis_url', Env::redisUrl());
ini_set('ebla_chat.redis_prefix', Env::PREFIX);
$opWanted = $argv[1] ?? 'post';
$xWanted = (int) ($argv[2] ?? 100);

$pdo = Env::pdo();
$impls = ['c' => new CExt($pdo), 'espo' => new EspoWay($pdo, new CountingRedis()), 'same' => new SameAlgorithm($pdo, new CountingRedis())];
$U = fn (int $i) => Dataset::user($i);
$ops = [
    'post' => fn ($k, $c, $x) => $c->post($U(Dataset::AUTHOR), Dataset::postDialog($k, $x), 'profile message'),
    'bell' => fn ($k, $c, $x) => $c->bell($U(Dataset::READERS[$x])),
    'dialogList' => fn ($k, $c, $x) => $c->dialogList($U(Dataset::READERS[$x])),
    'markRead' => fn ($k, $c, $x) => $c->markRead($U(Dataset::READER), Dataset::readDialog($k)),
    'poll' => fn ($k, $c, $x) => $c->poll($U(Dataset::READERS[$x])),
    'partners' => fn ($k, $c, $x) => $c->partners($U($x >= 10000 ? Dataset::P_ALL : Dataset::P_TEAM)),
    'messages' => fn ($k, $c, $x) => $c->messages($U(Dataset::U10), Dataset::dialog(0)),
];
foreach ($impls as $k => $impl) {
    if (!available($k, $opWanted)) {
        continue;
    }
    $ops[$opWanted]($k, $impl, $xWanted);           // warm (caches, buffer pool)
    if ($opWanted === 'markRead' || $opWanted === 'poll') {
        $impl->post($U(Dataset::AUTHOR), Dataset::readDialog($k), 'something to read');
    }
    $pdo->exec('SET profiling = 1, profiling_history_size = 100');
    $before = max(array_merge([0], array_map('intval', array_column($pdo->query('SHOW PROFILES')->fetchAll(PDO::FETCH_NUM), 0))));
    $t = hrtime(true);
    $ops[$opWanted]($k, $impl, $xWanted);
    $wall = (hrtime(true) - $t) / 1e3;
    $pdo->exec('SET profiling = 0');
    $rows = $pdo->query('SHOW PROFILES')->fetchAll(PDO::FETCH_NUM);
    $server = 0.0;
    printf("== %s %s(%d): %.0f µs wall\n", $k, $opWanted, $xWanted, $wall);
    $rows = array_values(array_filter($rows, fn ($r) => (int) $r[0] > $before && !str_starts_with($r[2], 'SHOW PROFILES')));
    foreach ($rows as [$id, $dur, $sql]) {
        if (str_starts_with($sql, 'SET profiling')) {
            continue;
        }
        $server += $dur * 1e6;
        printf("  %7.0f µs  %s\n", $dur * 1e6, substr(preg_replace('/\s+/', ' ', $sql), 0, (int) (getenv('SQLW') ?: 150)));
    }
    printf("  %7.0f µs  server total, %d statements\n", $server, count($rows));
}

function available(string $k, string $op): bool
{
    return $k !== 'c' || CExt::available($op);
}

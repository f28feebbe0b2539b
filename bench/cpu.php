<?php
/*
 * Client-side CPU per operation, in instructions (reproducible, unlike times on a shared box):
 *
 *   valgrind --tool=callgrind --callgrind-out-file=OUT php -d extension=... bench/cpu.php IMPL OP X N
 *
 * runs one warm-up call then N calls of OP (post|poll|dialogList|bell|markRead|partners|messages)
 * for IMPL (c|espo|same). Instructions per call = (Ir(N) - Ir(0)) / N. See bench/README.md.
 */

declare(strict_types=1);

namespace EblaBench;

require __DIR__ . '/php/bootstrap.php';

ini_set('ebla_chat.redis_url', Env::redisUrl());
ini_set('ebla_chat.redis_prefix', Env::PREFIX);
[$_, $k, $op, $x, $n] = $argv + [null, 'c', 'post', '100', '20'];
$x = (int) $x;
$pdo = Env::pdo();
$impl = ['c' => fn () => new CExt($pdo), 'espo' => fn () => new EspoWay($pdo, new CountingRedis()),
    'same' => fn () => new SameAlgorithm($pdo, new CountingRedis())][$k]();
$U = fn (int $i) => Dataset::user($i);
$who = [10 => Dataset::U10, 100 => Dataset::U100, 1000 => Dataset::U1000];
$call = match ($op) {
    'post' => fn () => $impl->post($U(Dataset::AUTHOR), Dataset::postDialog($k, $x), 'cpu message'),
    'bell' => fn () => $impl->bell($U($who[$x])),
    'dialogList' => fn () => $impl->dialogList($U($who[$x])),
    'markRead' => fn () => $impl->markRead($U(Dataset::READER), Dataset::readDialog($k)),
    'poll' => fn () => $impl->poll($U($who[$x])),
    'partners' => fn () => $impl->partners($U($x >= 10000 ? Dataset::P_ALL : Dataset::P_TEAM)),
    'messages' => fn () => $impl->messages($U(Dataset::U10), Dataset::dialog(0)),
};
$call();
for ($i = 0; $i < (int) $n; $i++) {
    $call();
}

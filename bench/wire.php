<?php
/*
 * Round trips on the wire, for all three implementations alike, without trusting any of them:
 * `bench.php wire` runs each operation 3 times between markers written to stderr, under
 *   strace -f -yy -e trace=read,write,readv,writev,recvfrom,sendto,recvmsg,sendmsg
 * and this script reads the trace. Per socket (MariaDB port, Redis port) a round trip is a run
 * of sends followed by the reads of its answer: N pipelined commands written at once and read
 * back count as one, N commands each awaiting its reply count as N.
 *
 *   php wire.php TRACE OUT.json
 */

declare(strict_types=1);

[$_, $trace, $out] = $argv + [null, null, null];
$mysqlPort = getenv('EBLA_BENCH_MYSQL_PORT') ?: '13306';
$redisPort = getenv('EBLA_BENCH_REDIS_PORT') ?: '16379';

$f = fopen($trace, 'r');
$cur = null;        // "impl|op|x|label" while inside a marker pair
$state = [];        // per service: last direction seen ('w' or 'r')
$acc = [];          // per marker: service => [round trips, bytes out, bytes in]
$samples = [];      // key => list of per-call accumulations
while (($line = fgets($f)) !== false) {
    if (str_contains($line, '@@BEGIN ')) {
        preg_match('/@@BEGIN ([^\\\\"]+)/', $line, $m);
        $cur = $m[1];
        $state = [];
        $acc = ['mysql' => [0, 0, 0], 'redis' => [0, 0, 0]];
        continue;
    }
    if (str_contains($line, '@@END')) {
        if ($cur !== null) {
            $samples[$cur][] = $acc;
        }
        $cur = null;
        continue;
    }
    if ($cur === null) {
        continue;
    }
    if (!preg_match('/^(?:\d+\s+)?(read|write|readv|writev|recvfrom|sendto|recvmsg|sendmsg)\(\d+<TCP(?:v6)?:\[[^\]]*->[^\]]*:(\d+)\]>.*\)\s+=\s+(-?\d+)/', $line, $m)) {
        continue;
    }
    $service = $m[2] === $mysqlPort ? 'mysql' : ($m[2] === $redisPort ? 'redis' : null);
    if ($service === null || (int) $m[3] <= 0) {
        continue; // other sockets; EAGAIN and EOF carry no data
    }
    $dir = in_array($m[1], ['write', 'writev', 'sendto', 'sendmsg'], true) ? 'w' : 'r';
    if ($dir === 'w' && ($state[$service] ?? 'r') === 'r') {
        $acc[$service][0]++; // a new request begins: one more round trip
    }
    $acc[$service][$dir === 'w' ? 1 : 2] += (int) $m[3];
    $state[$service] = $dir;
}

$result = [];
foreach ($samples as $key => $calls) {
    [$impl, $op, $x] = explode('|', $key, 4);
    // The median call (they should all be equal; a cold first call may differ).
    $pick = function (string $svc, int $i) use ($calls) {
        $v = array_map(fn ($c) => $c[$svc][$i], $calls);
        sort($v);
        return $v[intdiv(count($v), 2)];
    };
    $result[] = ['impl' => $impl, 'op' => $op, 'x' => (int) $x,
        'mysql_round_trips' => $pick('mysql', 0), 'redis_round_trips' => $pick('redis', 0),
        'redis_bytes_out' => $pick('redis', 1), 'calls' => count($calls)];
}
file_put_contents($out, json_encode($result, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE));

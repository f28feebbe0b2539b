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

/*
 * On PostgreSQL (EBLA_BENCH_DRIVER=pgsql; trace written with -x -s 4194304, so the data of every
 * write is complete) it also counts the SQL statements, as there is no server-side counter to
 * read: the client's protocol messages are decoded per socket, and every simple Query ('Q',
 * counted once per ;-separated statement in it) and every Execute ('E') is one statement. Its
 * kind (select, insert, begin, ...) is the first word of its text: the Query's own, or the
 * Parse ('P') of the statement the preceding Bind ('B') named, which may have come in an earlier
 * call (prepared statements are reused).
 */

[$_, $trace, $out] = $argv + [null, null, null];
$pg = getenv('EBLA_BENCH_DRIVER') === 'pgsql';
$dbPort = getenv('EBLA_BENCH_DB_PORT') ?: ($pg ? '15432' : '13306');
$redisPort = getenv('EBLA_BENCH_REDIS_PORT') ?: '16379';

/** The bytes of a strace string literal ("..." with C escapes, -x: \xHH). */
function straceBytes(string $lit): string
{
    return stripcslashes($lit);
}

/** The contents of the first "..." in $args (scanned, not matched: the literal may be megabytes). */
function firstLiteral(string $args): string
{
    $start = strpos($args, '"');
    if ($start === false) {
        return '';
    }
    $i = $start + 1;
    while (($j = strpos($args, '"', $i)) !== false) {
        $k = $j;
        while ($k > $start + 1 && $args[$k - 1] === '\\') {
            $k--;
        }
        if ((($j - $k) % 2) === 0) {
            return substr($args, $start + 1, $j - $start - 1);
        }
        $i = $j + 1;
    }
    return substr($args, $start + 1);
}

/** Number of statements in a simple query's text (;-separated, outside quotes). */
function statementsIn(string $sql): array
{
    $parts = [];
    $cur = '';
    $q = null;
    for ($i = 0, $n = strlen($sql); $i < $n; $i++) {
        $ch = $sql[$i];
        if ($q !== null) {
            if ($ch === $q) {
                $q = null;
            }
        } elseif ($ch === "'" || $ch === '"') {
            $q = $ch;
        } elseif ($ch === ';') {
            $parts[] = $cur;
            $cur = '';
            continue;
        }
        $cur .= $ch;
    }
    $parts[] = $cur;
    return array_values(array_filter(array_map('trim', $parts), fn ($p) => $p !== ''));
}

function kindOf(string $sql): string
{
    return preg_match('/^\s*(\w+)/', $sql, $m) ? strtolower($m[1]) : '?';
}

$pgConn = []; // fd => ['buf' => bytes not yet parsed, 'started' => bool, 'parsed' => name => sql, 'bound' => sql]
/** Feeds client bytes of one PostgreSQL connection; returns the statements completed (their kinds). */
function pgFeed(array &$c, string $bytes): array
{
    $c['buf'] .= $bytes;
    $kinds = [];
    while (true) {
        $b = $c['buf'];
        if (!$c['started']) {
            if (strlen($b) < 8) {
                break;
            }
            $len = unpack('N', substr($b, 0, 4))[1];
            if (strlen($b) < $len) {
                break;
            }
            $code = unpack('N', substr($b, 4, 4))[1];
            if ($code === 196608 || ($code >> 16) === 3) {
                $c['started'] = true; // StartupMessage; SSLRequest / GSSENCRequest come before it
            }
            $c['buf'] = substr($b, $len);
            continue;
        }
        if (strlen($b) < 5) {
            break;
        }
        $type = $b[0];
        $len = unpack('N', substr($b, 1, 4))[1];
        if (strlen($b) < 1 + $len) {
            break;
        }
        $body = substr($b, 5, $len - 4);
        $c['buf'] = substr($b, 1 + $len);
        if ($type === 'Q') {
            foreach (statementsIn(rtrim($body, "\0")) as $st) {
                $kinds[] = kindOf($st);
            }
        } elseif ($type === 'P') {
            [$name, $sql] = explode("\0", $body, 3);
            $c['parsed'][$name] = $sql;
        } elseif ($type === 'B') {
            [, $stmt] = explode("\0", $body, 3);
            $c['bound'] = $c['parsed'][$stmt] ?? '?';
        } elseif ($type === 'E') {
            $kinds[] = kindOf($c['bound'] ?? '?');
        }
    }
    return $kinds;
}

$f = fopen($trace, 'r');
$cur = null;        // "impl|op|x|label" while inside a marker pair
$state = [];        // per service: last direction seen ('w' or 'r')
$acc = [];          // per marker: service => [round trips, bytes out, bytes in]; 'sql' => kinds
$samples = [];      // key => list of per-call accumulations
$re = '/^(?:\d+\s+)?(read|write|readv|writev|recvfrom|sendto|recvmsg|sendmsg)\((\d+)<TCP(?:v6)?:\[[^\]]*->[^\]]*:(\d+)\]>, (.*)\)\s+=\s+(-?\d+)/';
while (($line = fgets($f)) !== false) {
    if (str_contains($line, '@@BEGIN ')) {
        preg_match('/@@BEGIN ([^\\\\"]+)/', $line, $m);
        $cur = $m[1];
        $state = [];
        $acc = ['mysql' => [0, 0, 0], 'redis' => [0, 0, 0], 'sql' => []];
        continue;
    }
    if (str_contains($line, '@@END')) {
        if ($cur !== null) {
            $samples[$cur][] = $acc;
        }
        $cur = null;
        continue;
    }
    if (!preg_match($re, $line, $m)) {
        continue;
    }
    $service = $m[3] === $dbPort ? 'mysql' : ($m[3] === $redisPort ? 'redis' : null);
    if ($service === null || (int) $m[5] <= 0) {
        continue; // other sockets; EAGAIN and EOF carry no data
    }
    $dir = in_array($m[1], ['write', 'writev', 'sendto', 'sendmsg'], true) ? 'w' : 'r';
    if ($pg && $service === 'mysql' && $dir === 'w') {
        // The data: the first string literal (libpq writes with send(): one buffer).
        $bytes = substr(straceBytes(firstLiteral($m[4])), 0, (int) $m[5]);
        $pgConn[$m[2]] ??= ['buf' => '', 'started' => false, 'parsed' => [], 'bound' => null];
        $kinds = pgFeed($pgConn[$m[2]], $bytes);
        if ($cur !== null) {
            array_push($acc['sql'], ...$kinds);
        }
    }
    if ($cur === null) {
        continue;
    }
    if ($dir === 'w' && ($state[$service] ?? 'r') === 'r') {
        $acc[$service][0]++; // a new request begins: one more round trip
    }
    $acc[$service][$dir === 'w' ? 1 : 2] += (int) $m[5];
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
    $row = ['impl' => $impl, 'op' => $op, 'x' => (int) $x,
        'mysql_round_trips' => $pick('mysql', 0), 'redis_round_trips' => $pick('redis', 0),
        'redis_bytes_out' => $pick('redis', 1), 'calls' => count($calls)];
    if ($pg) {
        // The statements of the median call (by count): total and per kind.
        usort($calls, fn ($a, $b) => count($a['sql']) <=> count($b['sql']));
        $kinds = $calls[intdiv(count($calls), 2)]['sql'];
        $row['sql'] = count($kinds);
        $row['com'] = array_count_values($kinds);
        ksort($row['com']);
    }
    $result[] = $row;
}
file_put_contents($out, json_encode($result, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE));

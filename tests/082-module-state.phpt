--TEST--
Lifetime: the module's mutable state is its module globals (per thread, freed by GSHUTDOWN); no other variable changes after MINIT
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
// What a thread-safe build needs: every thread's Redis connections, slot map, counters and
// id clock live in the module globals, which GINIT makes and GSHUTDOWN frees per thread. A
// variable of the module's own outside them is either shared by all threads or, thread-local,
// never freed. The module's symbol table shows its variables (bss: those starting at zero).
$so = getenv('EBLA_CHAT_SO') ?: dirname(__DIR__) . '/modules/ebla_chat.so';
if (!is_file($so)) {
    $so = ini_get('extension_dir') . '/ebla_chat.so';
}
exec('nm --defined-only ' . escapeshellarg($so) . ' 2>&1', $lines, $rc);
if ($rc !== 0) {
    echo "FAIL: nm could not read $so: ", implode("\n", $lines), "\n";
}
$vars = [];
foreach ($lines as $line) {
    if (preg_match('/^[0-9a-f]+ [bB] (ec_\w+|ebla_chat_\w+)$/', $line, $m)) {
        $vars[] = $m[1];
    }
}
// Set once at MINIT and only read after: class entries, the PDO methods fanout_tx.c wraps.
$minit = array_merge(preg_grep('/^ec_\w+_ce$/', $vars), preg_grep('/^ec_orig_\w+$/', $vars));
$other = array_values(array_diff($vars, $minit, ['ebla_chat_globals', 'ebla_chat_globals_id', 'ebla_chat_globals_offset']));
echo 'module globals: ', array_intersect($vars, ['ebla_chat_globals', 'ebla_chat_globals_id']) ? 'yes' : 'no', "\n";
sort($minit);
echo 'set at MINIT: ', implode(', ', $minit), "\n";
echo 'other variables: ', $other ? implode(', ', $other) : 'none', "\n";

// The state still does its work from there: ids increase within the process, the fan-out
// counters outlive the request's calls.
$ids = [];
for ($i = 0; $i < 1000; $i++) {
    $ids[] = ebla_chat_generate_id();
}
$sorted = $ids;
sort($sorted, SORT_STRING);
echo 'ids strictly increasing: ', $sorted === $ids && count(array_unique($ids)) === 1000 ? 'yes' : 'no', "\n";
ini_set('ebla_chat.redis_url', 'tcp://127.0.0.1:1/0');
ini_set('ebla_chat.redis_retry_interval', '3600');
ebla_chat_fanout_send('{"topicId":"t","userId":"u"}');
ebla_chat_fanout_send('{"topicId":"t","userId":"u"}');
$status = ebla_chat_fanout_status();
echo "fan-out: attempts {$status['attempts']}, failed {$status['failed']}, state {$status['state']}\n";
?>
--EXPECT--
module globals: yes
set at MINIT: ec_bad_request_ce, ec_connection_ce, ec_exception_ce, ec_forbidden_ce, ec_not_found_ce, ec_orig_begin, ec_orig_commit, ec_orig_exec, ec_orig_rollback, ec_pdo_stmt_ce, ec_schema_ce
other variables: none
ids strictly increasing: yes
fan-out: attempts 1, failed 2, state backoff

--TEST--
Concurrency: an edit or a delete that waits for the dialog lock while the other one commits reads the message again under the lock: no half-written edit, no mention left behind by a delete
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/concurrency.inc';

/**
 * Starts a child process that runs $call on its own connection and reports back; returns once the
 * child waits for the dialog lock that $holder holds (seen in the server's own view of that
 * connection, not guessed from time), then runs $meanwhile on $holder, commits, and returns what
 * the child printed.
 */
function ec_race_against_lock(string $backend, string $dsn, PDO $pdo, PDO $holder, string $dialog, string $call, array $args, callable $meanwhile): string
{
    [$user, $pass] = ec_credentials($backend);
    $script = tempnam(sys_get_temp_dir(), 'ebla_lock') . '.php';
    file_put_contents($script, '<?php
        $a = json_decode($argv[1], true);
        $pdo = new PDO($a["dsn"], $a["user"], $a["pass"], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        $pdo->exec(str_starts_with($a["dsn"], "mysql:") ? "SET SESSION innodb_lock_wait_timeout = 60" : "SET lock_timeout = \'60s\'");
        echo "ready ", $pdo->query(str_starts_with($a["dsn"], "mysql:") ? "SELECT CONNECTION_ID()" : "SELECT pg_backend_pid()")->fetchColumn(), "\n";
        try {
            $r = ' . $call . ';
            echo "done: ", is_array($r) ? $r["text"] : var_export($r, true), "\n";
        } catch (Throwable $e) {
            echo get_class($e), ": ", preg_replace("/\\b[0-9a-f]{17}\\b/", "<id>", $e->getMessage()), "\n";
        }
    ');
    $holder->beginTransaction();
    $holder->query('SELECT id FROM dialog WHERE id = ' . $holder->quote($dialog) . ' FOR UPDATE')->fetchAll();
    $cmd = ec_php_command($script);
    $cmd[] = json_encode(['dsn' => $dsn, 'user' => $user, 'pass' => $pass] + $args);
    $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $line = fgets($pipes[1]);
    if (!preg_match('/^ready (\d+)/', (string) $line, $m)) {
        $holder->rollBack();
        return 'child did not start: ' . $line . stream_get_contents($pipes[2]);
    }
    $waiting = $backend === 'mysql'
        // (INNODB_TRX needs the PROCESS privilege; a user always sees its own threads. Without the
        // lock the child's locking read of the dialog would not be running at all.)
        ? "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ? AND COMMAND = 'Query' AND INFO LIKE '%FROM dialog%FOR UPDATE%'"
        : "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ? AND wait_event_type = 'Lock'";
    $seen = false;
    for ($i = 0; $i < 3000 && !$seen; $i++) {  // at most about 30 s, then report instead of hanging
        $seen = (int) ec_scalar($pdo, $waiting, [(int) $m[1]]) === 1;
        if (!$seen) {
            usleep(10000);
        }
    }
    $meanwhile();
    $holder->commit();
    $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    proc_close($proc);
    unlink($script);
    return ($seen ? '' : "(the child was never seen waiting) ") . trim($out);
}

foreach (ec_backends() as $backend) {
    if ($backend === 'sqlite') {
        continue;  // one writer for the whole file: a waiting writer cannot be told from a slow one
    }
    echo "== $backend\n";
    $pdo = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($pdo);
    [$user, $pass] = ec_credentials($backend);
    $holder = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    $a = ec_user($pdo, 'a');
    $b = ec_user($pdo, 'b');
    $d = ebla_chat_dialog_open($pdo, $a, [$b], ['type' => 'group'])['id'];
    $show = function () use ($pdo, $b, $d) {
        $row = ebla_chat_dialog_get($pdo, $b, $d);
        return "b: unread {$row['unread']}, mentions {$row['mentions']}; " . ec_recount_line($pdo);
    };

    $m = ebla_chat_post($pdo, $a, $d, 'hi');
    echo "edit waits, a delete commits first: ", ec_race_against_lock($backend, $dsn, $pdo, $holder, $d,
        'ebla_chat_message_edit($pdo, $a["a"], $a["m"], "hi @b")', ['a' => $a, 'm' => $m['id']],
        fn() => ebla_chat_message_delete($holder, $a, $m['id'])), "\n";
    echo "  ", $show(), "\n";

    $m = ebla_chat_post($pdo, $a, $d, 'hi');
    echo "delete waits, an edit adding a mention commits first: ", ec_race_against_lock($backend, $dsn, $pdo, $holder, $d,
        'ebla_chat_message_delete($pdo, $a["a"], $a["m"])', ['a' => $a, 'm' => $m['id']],
        fn() => ebla_chat_message_edit($holder, $a, $m['id'], 'hi @b')), "\n";
    echo "  ", $show(), "\n";

    $m = ebla_chat_post($pdo, $a, $d, 'hi @b');
    echo "edit waits, an edit dropping the mention commits first: ", ec_race_against_lock($backend, $dsn, $pdo, $holder, $d,
        'ebla_chat_message_edit($pdo, $a["a"], $a["m"], "hello again")', ['a' => $a, 'm' => $m['id']],
        fn() => ebla_chat_message_edit($holder, $a, $m['id'], 'hi')), "\n";
    echo "  ", $show(), "\n";
    $holder = null;
}
?>
--EXPECT--
== mysql
edit waits, a delete commits first: EblaChat\NotFoundException: Message <id> not found
  b: unread 0, mentions 0; counters exact
delete waits, an edit adding a mention commits first: done: NULL
  b: unread 0, mentions 0; counters exact
edit waits, an edit dropping the mention commits first: done: hello again
  b: unread 1, mentions 0; counters exact
== pgsql
edit waits, a delete commits first: EblaChat\NotFoundException: Message <id> not found
  b: unread 0, mentions 0; counters exact
delete waits, an edit adding a mention commits first: done: NULL
  b: unread 0, mentions 0; counters exact
edit waits, an edit dropping the mention commits first: done: hello again
  b: unread 1, mentions 0; counters exact

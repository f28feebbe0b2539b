--TEST--
Faults: MariaDB deadlocks and lock-wait timeouts provoked on purpose: retried inside the engine's own transaction, surfaced at once inside the caller's, nothing half-written
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/faults.inc';

if (!in_array('mysql', ec_backends(), true)) {
    echo "FAIL: MariaDB is required\n";
    exit;
}
$pdo = ec_fresh_pdo('mysql', $dsn);
ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
ec_baseline_role($pdo);   // passed on to the child by ec_php_command()
[$user, $pass] = ec_credentials('mysql');
$ann = ec_user($pdo, 'ann');
$bob = ec_user($pdo, 'bob');
$dialog = ebla_chat_dialog_open($pdo, $ann, [$bob], ['name' => 'team'])['id'];
ebla_chat_post($pdo, $bob, $dialog, 'before');
$pdo->exec('CREATE TABLE ballast (n INT)');
$connect = fn() => new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
$notes = fn() => ec_scalar($pdo, "SELECT COUNT(*) FROM note WHERE parent_id = ?", [$dialog]);

/*
 * A deadlock with the engine as the victim: the blocker locks an attachment the post will link
 * and writes a lot (InnoDB rolls back the transaction that did less); the post (a child process)
 * takes the dialog lock, inserts its note and waits for the attachment; the blocker then asks
 * for the dialog row: a cycle, and the post is rolled back. The blocker commits right after.
 */
function deadlock_round(callable $connect, string $dsn, string $user, string $pass, string $dialog, string $ann, bool $callerTx): array
{
    $blocker = $connect();
    $file = ec_attachment($blocker, $ann, 'a.txt', 'text/plain');
    $blocker->beginTransaction();
    $blocker->exec('INSERT INTO ballast (n) SELECT seq FROM seq_1_to_2000');
    $blocker->query("SELECT id FROM attachment WHERE id = '$file' FOR UPDATE")->fetchAll();
    $script = tempnam(sys_get_temp_dir(), 'ebla_dl') . '.php';
    file_put_contents($script, '<?php
        [$dsn, $user, $pass, $dialog, $ann, $file, $callerTx] = array_slice($argv, 1);
        $pdo = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        echo $pdo->query("SELECT CONNECTION_ID()")->fetchColumn(), "\n";
        flush();
        if ($callerTx) {
            $pdo->beginTransaction();
            $pdo->exec("INSERT INTO ballast (n) VALUES (-1)");   // the caller\'s own work
        }
        try {
            ebla_chat_post($pdo, $ann, $dialog, "through the deadlock", [$file]);
            echo "returned\n";
        } catch (PDOException $e) {
            echo "PDOException ", $e->errorInfo[1] ?? "", "\n";
        } catch (Throwable $e) {
            echo get_class($e), ": ", $e->getMessage(), "\n";
        }
        if ($callerTx) {
            echo "caller still in its transaction: ", var_export($pdo->inTransaction(), true), "\n";
            $pdo->rollBack();
        }');
    $cmd = ec_php_command($script);
    array_push($cmd, $dsn, $user, $pass, $dialog, $ann, $file, $callerTx ? '1' : '');
    $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $id = (int) fgets($pipes[1]);
    // Wait (no clock) until the post waits for the attachment's row lock.
    $watch = $connect();
    $waits = 0;
    // (The post's own statement that waits: the attachment's UPDATE; INNODB_TRX does not always list it.)
    while (!$watch->query("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = $id AND INFO LIKE 'UPDATE attachment%'")->fetchColumn()) {
        if (!proc_get_status($proc)['running'] || ++$waits > 30000) {   // a safety net, not a timing
            echo "FAIL: the post never waited for the attachment's lock\n";
            break;
        }
        usleep(2000);
    }
    try {
        $blocker->query("SELECT id FROM dialog WHERE id = '$dialog' FOR UPDATE")->fetchAll();
        $victim = 'the post';
    } catch (PDOException $e) {
        $victim = 'the blocker (' . $e->getMessage() . ')';
    }
    $blocker->inTransaction() && $blocker->rollBack();   // the ballast goes; the locks are released
    $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
    proc_close($proc);
    unlink($script);
    return [$victim, trim($out)];
}

echo "-- deadlock, the engine's own transaction: retried inside the call\n";
$before = $notes();
[$victim, $out] = deadlock_round($connect, $dsn, $user, $pass, $dialog, $ann, false);
echo "deadlock victim: $victim\npost: $out\nmessages added: ", $notes() - $before, "\n";

echo "-- deadlock inside the caller's transaction: surfaces at once, the call's work undone\n";
$before = $notes();
[$victim, $out] = deadlock_round($connect, $dsn, $user, $pass, $dialog, $ann, true);
echo "deadlock victim: $victim\npost: $out\nmessages added: ", $notes() - $before,
    ", caller's row left: ", ec_scalar($pdo, 'SELECT COUNT(*) FROM ballast WHERE n = -1'), "\n";

echo "-- lock-wait timeout (another connection holds the dialog row)\n";
foreach ([false, true] as $callerTx) {
    $holder = $connect();
    $holder->beginTransaction();
    $holder->query("SELECT id FROM dialog WHERE id = '$dialog' FOR UPDATE")->fetchAll();
    $victim = $connect();
    $victim->exec('SET SESSION innodb_lock_wait_timeout = 1');
    $snapshot = ec_fault_snapshot($pdo);
    if ($callerTx) {
        $victim->beginTransaction();
        $victim->exec('INSERT INTO ballast (n) VALUES (-2)');
    }
    foreach (['post' => fn() => ebla_chat_post($victim, $ann, $dialog, 'waits'),
              'mark_read' => fn() => ebla_chat_mark_read($victim, $ann, $dialog)] as $name => $call) {
        try {
            $call();
            $r = 'no exception';
        } catch (PDOException $e) {
            $r = 'PDOException ' . ($e->errorInfo[1] ?? '');
        } catch (Throwable $e) {
            $r = get_class($e) . ': ' . $e->getMessage();
        }
        echo $callerTx ? "caller's transaction" : 'own transaction', ", $name: $r",
            $callerTx ? ', caller still in its transaction: ' . var_export($victim->inTransaction(), true) : '', "\n";
    }
    if ($callerTx) {
        $victim->commit();   // a lock-wait timeout ends the statement only: the caller's row stays
        echo "caller's row committed: ", ec_scalar($pdo, 'SELECT COUNT(*) FROM ballast WHERE n = -2'), "\n";
    }
    $holder->rollBack();
    echo 'chat rows unchanged: ', var_export(ec_fault_snapshot($pdo) === $snapshot, true), "\n";
    $holder = $victim = null;
}
$problems = ec_consistency($pdo);
echo 'consistency: ', $problems ? implode('; ', $problems) : 'ok', "\n";
?>
--EXPECT--
-- deadlock, the engine's own transaction: retried inside the call
deadlock victim: the post
post: returned
messages added: 1
-- deadlock inside the caller's transaction: surfaces at once, the call's work undone
deadlock victim: the post
post: PDOException 1213
caller still in its transaction: true
messages added: 0, caller's row left: 0
-- lock-wait timeout (another connection holds the dialog row)
own transaction, post: PDOException 1205
own transaction, mark_read: PDOException 1205
chat rows unchanged: true
caller's transaction, post: PDOException 1205, caller still in its transaction: true
caller's transaction, mark_read: PDOException 1205, caller still in its transaction: true
caller's row committed: 1
chat rows unchanged: true
consistency: ok

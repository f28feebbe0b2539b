--TEST--
Faults: the database fails at the n-th row written, for every n of a post, edit, delete, mark read, mute, open and member change: the PDOException passes through and nothing is left behind, alone or inside the caller's transaction
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/faults.inc';

ec_run(function (PDO $pdo, string $backend) {
    $ann = ec_user($pdo, 'ann');
    $bob = ec_user($pdo, 'bob');
    $cat = ec_user($pdo, 'cat');
    $dan = ec_user($pdo, 'dan');
    $group = ebla_chat_dialog_open($pdo, $ann, [$bob, $cat], ['name' => 'team'])['id'];
    $direct = ebla_chat_dialog_open($pdo, $ann, [$bob])['id'];
    foreach (['one @bob', 'two @cat', 'three'] as $text) {
        $last = ebla_chat_post($pdo, $ann, $group, $text)['id'];
    }
    ebla_chat_post($pdo, $bob, $group, 'reply @ann');
    ec_fault_install($pdo, $backend);
    $file = ec_attachment($pdo, $ann, 'voice.webm', 'audio/webm');
    $ops = [
        'post with attachment and mentions' => fn() => ebla_chat_post($pdo, $ann, $group, 'hi @bob @cat', [$file], ['voice' => true]),
        'post in a direct dialog' => fn() => ebla_chat_post($pdo, $bob, $direct, 'hello'),
        'edit (mentions move)' => fn() => ebla_chat_message_edit($pdo, $ann, $last, 'now @bob'),
        'mark read part' => fn() => ebla_chat_mark_read($pdo, $cat, $group, 2),
        'mark read all' => fn() => ebla_chat_mark_read($pdo, $bob, $group),
        'mute' => fn() => ebla_chat_dialog_mute($pdo, $cat, $group, true),
        'members add' => fn() => ebla_chat_dialog_members($pdo, $ann, $group, [$dan]),
        'members remove' => fn() => ebla_chat_dialog_members($pdo, $ann, $group, [], [$cat]),
        'leave' => fn() => ebla_chat_dialog_members($pdo, $bob, $group, [], [$bob]),
        'delete (unread and mentions move)' => fn() => ebla_chat_message_delete($pdo, $ann, $last),
        'open a group' => fn() => ebla_chat_dialog_open($pdo, $dan, [$ann, $bob], ['name' => 'new']),
        'open a direct' => fn() => ebla_chat_dialog_open($pdo, $cat, [$dan]),
    ];
    $faults = 0;
    $callers = 0;
    foreach ($ops as $name => $op) {
        $bad = [];
        for ($n = 1; ; $n++) {
            $callerTx = $n % 2 === 0;   // every other attempt runs inside the caller's transaction
            $before = ec_fault_snapshot($pdo);
            ec_fault_arm($pdo, $n);
            if ($callerTx) {
                $pdo->beginTransaction();
                $caller = "caller" . (++$callers);
                ec_user($pdo, $caller);   // the caller's own work, which must survive
            }
            try {
                $op();
                $failed = false;
            } catch (PDOException $e) {
                $failed = true;
                if (!str_contains($e->getMessage(), 'injected fault')) {
                    $bad[] = "n=$n: another database error: " . $e->getMessage();
                }
            } catch (Throwable $e) {
                $failed = true;
                $bad[] = "n=$n: " . get_class($e) . ': ' . $e->getMessage();
            }
            if ($callerTx) {
                if (!$pdo->inTransaction()) {
                    $bad[] = "n=$n: the caller's transaction is gone";
                } else {
                    ec_fault_arm($pdo, 0);
                    $pdo->commit();
                }
                if (ec_scalar($pdo, 'SELECT COUNT(*) FROM `user` WHERE user_name = ?', [$caller]) !== '1') {
                    $bad[] = "n=$n: the caller's own write was lost";
                }
            }
            ec_fault_arm($pdo, 0);
            if (!$failed) {
                break;
            }
            $faults++;
            if (ec_fault_snapshot($pdo) !== $before) {
                $bad[] = "n=$n: rows changed by a call that failed";
            }
            if ($n > 100) {
                $bad[] = 'never succeeds';
                break;
            }
        }
        $problems = ec_consistency($pdo);
        printf("%-34s %s; then done; consistency %s\n", $name, $n > 1 ? 'failed at every write before' : 'NEVER FAILED',
            $problems ? implode('; ', $problems) : 'ok');
        foreach ($bad as $b) {
            echo "  $b\n";
        }
        $GLOBALS['faults'][$backend] = $faults;
    }
});
echo "faults injected: ", array_sum($GLOBALS['faults']), ' (', implode(', ', array_map(fn($b, $n) => "$b $n", array_keys($GLOBALS['faults']), $GLOBALS['faults'])), ")\n";
?>
--EXPECTF--
post with attachment and mentions  failed at every write before; then done; consistency ok
post in a direct dialog            failed at every write before; then done; consistency ok
edit (mentions move)               failed at every write before; then done; consistency ok
mark read part                     failed at every write before; then done; consistency ok
mark read all                      failed at every write before; then done; consistency ok
mute                               failed at every write before; then done; consistency ok
members add                        failed at every write before; then done; consistency ok
members remove                     failed at every write before; then done; consistency ok
leave                              failed at every write before; then done; consistency ok
delete (unread and mentions move)  failed at every write before; then done; consistency ok
open a group                       failed at every write before; then done; consistency ok
open a direct                      failed at every write before; then done; consistency ok
faults injected: %d (sqlite %d, mysql %d, pgsql %d)

--TEST--
Concurrency: inside a caller's REPEATABLE READ transaction that has already read, every read that decides a write is current (MariaDB) or fails at once (PostgreSQL)
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/concurrency.inc';

/** Runs $work in the caller's transaction begun with an old snapshot ($between runs after the
 *  snapshot, on another connection); retries the whole transaction as a caller must. */
function ec_in_old_snapshot(PDO $caller, callable $between, callable $work): void
{
    $first = true;
    for ($attempt = 1; ; $attempt++) {
        ec_begin_snapshot($caller);
        if ($first) {
            $between();
            $first = false;
        }
        try {
            $result = $work();
            $caller->commit();
            echo "  attempt $attempt: ", $result, "\n";
            return;
        } catch (Throwable $e) {
            $still = $caller->inTransaction();
            $caller->rollBack();
            if (ec_is_transient($e) && $attempt < 3) {
                echo "  attempt $attempt: serialization failure, surfaced at once (caller still in its transaction: ",
                    var_export($still, true), ")\n";
                continue;
            }
            echo "  attempt $attempt: ", get_class($e), ': ', preg_replace('/\b[0-9a-f]{17}\b/', '<id>', $e->getMessage()), "\n";
            return;
        }
    }
}

foreach (ec_backends() as $backend) {
    if ($backend === 'sqlite') {
        continue;  // one writer at a time: a snapshot older than the last write cannot write at all
    }
    echo "== $backend\n";
    $pdo = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($pdo);
    [$user, $pass] = ec_credentials($backend);
    $caller = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    $anna = ec_user($pdo, 'anna');
    $bob = ec_user($pdo, 'bob');
    $d = ebla_chat_dialog_open($pdo, $anna, [$bob], ['type' => 'group'])['id'];

    echo "mark_read counts what others committed after the caller's snapshot\n";
    ebla_chat_post($pdo, $anna, $d, 'one');
    $m = [];
    ec_in_old_snapshot($caller, function () use ($pdo, $anna, $d, &$m) {
        $m[] = ebla_chat_post($pdo, $anna, $d, 'two @bob');
        $m[] = ebla_chat_post($pdo, $anna, $d, 'three @bob');
    }, function () use ($caller, $bob, $d, &$m) {
        return 'still unread ' . ebla_chat_mark_read($caller, $bob, $d, $m[0]['number']);
    });
    echo "  bob: unread ", ebla_chat_dialog_get($pdo, $bob, $d)['unread'], ', mentions ', ebla_chat_dialog_get($pdo, $bob, $d)['mentions'], "; ", ec_recount_line($pdo), "\n";

    echo "delete finds the newest live message as of now\n";
    $m2 = ebla_chat_post($pdo, $anna, $d, 'to delete');
    $m3 = null;
    ec_in_old_snapshot($caller, function () use ($pdo, $anna, $d, &$m3) {
        $m3 = ebla_chat_post($pdo, $anna, $d, 'posted after the snapshot');
    }, function () use ($caller, $anna, $m2) {
        ebla_chat_message_delete($caller, $anna, $m2['id']);
        return 'deleted';
    });
    echo "  last message is the newest: ", var_export((int) ec_scalar($pdo, 'SELECT last_message_number FROM dialog WHERE id = ?', [$d]) === $m3['number'], true),
        "; ", ec_recount_line($pdo), "\n";

    echo "edit of a message deleted after the caller's snapshot\n";
    $gone = ebla_chat_post($pdo, $anna, $d, 'soon gone');
    ec_in_old_snapshot($caller, function () use ($pdo, $anna, $gone) {
        ebla_chat_message_delete($pdo, $anna, $gone['id']);
    }, fn() => 'edited: ' . ebla_chat_message_edit($caller, $anna, $gone['id'], 'new text @bob')['text']);
    echo "  still deleted: ", ec_scalar($pdo, 'SELECT deleted FROM note WHERE id = ?', [$gone['id']]), ", text kept: ",
        ec_scalar($pdo, 'SELECT post FROM note WHERE id = ?', [$gone['id']]), "; ", ec_recount_line($pdo), "\n";

    echo "mark_read of everything after more posts\n";
    ec_in_old_snapshot($caller, function () use ($pdo, $anna, $d) {
        ebla_chat_post($pdo, $anna, $d, 'four');
    }, fn() => 'still unread ' . ebla_chat_mark_read($caller, $bob, $d));
    echo "  ", ec_recount_line($pdo), "\n";

    echo "adding a member someone else added after the caller's snapshot\n";
    $carol = ec_user($pdo, 'carol');
    ec_in_old_snapshot($caller, function () use ($pdo, $anna, $d, $carol) {
        ebla_chat_dialog_members($pdo, $anna, $d, [$carol]);
    }, function () use ($caller, $anna, $d, $carol) {
        ebla_chat_dialog_members($caller, $anna, $d, [$carol]);  // its answer is read in the caller's snapshot
        return 'done';
    });
    echo "  membership rows of carol: ", ec_scalar($pdo, 'SELECT COUNT(*) FROM dialog_user WHERE user_id = ? AND dialog_id = ?', [$carol, $d]),
        "; ", ec_recount_line($pdo), "\n";
    $caller = null;
}
?>
--EXPECT--
== mysql
mark_read counts what others committed after the caller's snapshot
  attempt 1: still unread 1
  bob: unread 1, mentions 1; counters exact
delete finds the newest live message as of now
  attempt 1: deleted
  last message is the newest: true; counters exact
edit of a message deleted after the caller's snapshot
  attempt 1: EblaChat\NotFoundException: Message <id> not found
  still deleted: 1, text kept: soon gone; counters exact
mark_read of everything after more posts
  attempt 1: still unread 0
  counters exact
adding a member someone else added after the caller's snapshot
  attempt 1: done
  membership rows of carol: 1; counters exact
== pgsql
mark_read counts what others committed after the caller's snapshot
  attempt 1: serialization failure, surfaced at once (caller still in its transaction: true)
  attempt 2: still unread 1
  bob: unread 1, mentions 1; counters exact
delete finds the newest live message as of now
  attempt 1: serialization failure, surfaced at once (caller still in its transaction: true)
  attempt 2: deleted
  last message is the newest: true; counters exact
edit of a message deleted after the caller's snapshot
  attempt 1: serialization failure, surfaced at once (caller still in its transaction: true)
  attempt 2: EblaChat\NotFoundException: Message <id> not found
  still deleted: 1, text kept: soon gone; counters exact
mark_read of everything after more posts
  attempt 1: serialization failure, surfaced at once (caller still in its transaction: true)
  attempt 2: still unread 0
  counters exact
adding a member someone else added after the caller's snapshot
  attempt 1: serialization failure, surfaced at once (caller still in its transaction: true)
  attempt 2: done
  membership rows of carol: 1; counters exact

--TEST--
Concurrency: a deadlock or serialization failure in the engine's own transaction is retried inside the call (at most 5 times), never handed to the caller unless exhausted; inside the caller's transaction it surfaces at once with the call's work undone
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; require __DIR__ . '/fanout.inc'; ec_fanout_skipif('EBLA_CHAT_TEST_REDIS_URL'); ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/concurrency.inc';

/** The next $n updates of dialog_user fail as a deadlock victim would (MySQL 1213, PostgreSQL 40P01);
 *  the count of failures left lives outside any transaction, so rollbacks do not restore it. */
function ec_deadlocks(PDO $pdo, string $backend, int $n): void
{
    if ($backend === 'mysql') {
        $pdo->exec("UPDATE boom_left SET n = $n");
    } else {
        $pdo->query("SELECT setval('boom_seq', 1, false)")->fetchAll();
        $pdo->exec("UPDATE boom_left SET n = $n");
    }
}

function ec_deadlocks_left(PDO $pdo, string $backend): int
{
    return $backend === 'mysql' ? (int) ec_scalar($pdo, 'SELECT n FROM boom_left')
        : max(0, (int) ec_scalar($pdo, 'SELECT n FROM boom_left') - ((int) ec_scalar($pdo, 'SELECT last_value FROM boom_seq')
            - ((int) ec_scalar($pdo, 'SELECT CASE WHEN is_called THEN 0 ELSE 1 END FROM boom_seq'))));
}

foreach (ec_backends() as $backend) {
    if ($backend === 'sqlite') {
        continue;  // SQLite has neither deadlocks nor serialization failures: writers queue on the file lock
    }
    echo "== $backend\n";
    $pdo = ec_fresh_pdo($backend);
    ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($pdo);
    if ($backend === 'mysql') {
        $pdo->exec('CREATE TABLE boom_left (n INT NOT NULL) ENGINE=MyISAM');
        $pdo->exec('INSERT INTO boom_left VALUES (0)');
        $pdo->exec("CREATE TRIGGER boom BEFORE UPDATE ON dialog_user FOR EACH ROW BEGIN
            IF (SELECT n FROM boom_left) > 0 THEN
                UPDATE boom_left SET n = n - 1;
                SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = 'Deadlock found when trying to get lock (simulated)';
            END IF; END");
    } else {
        $pdo->exec('CREATE SEQUENCE boom_seq');
        $pdo->exec('CREATE TABLE boom_left (n INT NOT NULL)');
        $pdo->exec('INSERT INTO boom_left VALUES (0)');
        $pdo->exec("CREATE FUNCTION boom() RETURNS trigger AS \$\$ BEGIN
            IF (SELECT n FROM boom_left) > 0 AND nextval('boom_seq') <= (SELECT n FROM boom_left) THEN
                RAISE EXCEPTION 'deadlock detected (simulated)' USING ERRCODE = '40P01';
            END IF; RETURN NEW; END \$\$ LANGUAGE plpgsql");
        $pdo->exec('CREATE TRIGGER boom BEFORE UPDATE ON dialog_user FOR EACH ROW EXECUTE FUNCTION boom()');
    }
    $anna = ec_user($pdo, 'anna');
    $bob = ec_user($pdo, 'bob');
    $d = ebla_chat_dialog_open($pdo, $anna, [$bob], ['type' => 'group'])['id'];
    $notes = fn() => ec_scalar($pdo, "SELECT COUNT(*) FROM note WHERE parent_type = 'Dialog'");
    // Events of a post: one per member and the stream panel's (Redis counts what it accepted).
    ini_set('ebla_chat.redis_url', getenv('EBLA_CHAT_TEST_REDIS_URL'));
    ini_set('ebla_chat.redis_prefix', 'ebla_t049_' . bin2hex(random_bytes(4)) . ':');
    $published = fn() => ebla_chat_fanout_status()['published'];

    foreach ([
        'post' => fn() => ebla_chat_post($pdo, $anna, $d, 'hello @bob')['text'],
        'mark_read' => fn() => 'unread ' . ebla_chat_mark_read($pdo, $bob, $d),
        'edit' => function () use ($pdo, $anna, $d) {
            $m = ebla_chat_post($pdo, $anna, $d, 'plain');
            ec_deadlocks($pdo, $GLOBALS['backend'], 2);
            return ebla_chat_message_edit($pdo, $anna, $m['id'], 'now @bob')['text'];
        },
        'delete' => function () use ($pdo, $anna, $d) {
            $m = ebla_chat_post($pdo, $anna, $d, 'going');
            ec_deadlocks($pdo, $GLOBALS['backend'], 2);
            ebla_chat_message_delete($pdo, $anna, $m['id']);
            return 'deleted';
        },
    ] as $name => $call) {
        ec_deadlocks($pdo, $backend, 2);
        try {
            $before = $published();
            $result = $call();
            $events = $published() - $before;
            echo "$name, two deadlocks first: $result; failures left ", ec_deadlocks_left($pdo, $backend), "; ", ec_recount_line($pdo), "\n";
            if ($name === 'post') {
                echo "  events published once, for the attempt that committed: ", var_export($events === 3, true), "\n";
            }
        } catch (Throwable $e) {
            echo "$name, two deadlocks first: ", get_class($e), ': ', $e->getMessage(), "\n";
        }
    }

    echo "six deadlocks in a row (1 try + 5 retries): ";
    $before = $notes();
    $eventsBefore = $published();
    ec_deadlocks($pdo, $backend, 6);
    try {
        ebla_chat_post($pdo, $anna, $d, 'never');
        echo "no exception\n";
    } catch (PDOException $e) {
        echo "PDOException reaches the caller (transient: ", var_export(ec_is_transient($e), true), "), nothing written: ",
            var_export($notes() === $before && $published() === $eventsBefore, true), ", failures left ", ec_deadlocks_left($pdo, $backend),
            ", in a transaction: ", var_export($pdo->inTransaction(), true), "; ", ec_recount_line($pdo), "\n";
    }
    ec_deadlocks($pdo, $backend, 7);
    try {
        ebla_chat_post($pdo, $anna, $d, 'never');
    } catch (PDOException $e) {
        echo "seven: one left unused, the call tried 6 times: ", ec_deadlocks_left($pdo, $backend), "\n";
    }

    echo "inside the caller's transaction: ";
    ec_deadlocks($pdo, $backend, 3);
    $pdo->beginTransaction();
    try {
        ebla_chat_post($pdo, $anna, $d, 'inside');
        echo "no exception\n";
    } catch (PDOException $e) {
        echo "surfaces at once (tried once: ", var_export(ec_deadlocks_left($pdo, $backend) === 2, true), "), the call's work undone: ",
            ec_scalar($pdo, "SELECT COUNT(*) FROM note WHERE post = 'inside'"), " notes\n";
    }
    $pdo->rollBack();
    ec_deadlocks($pdo, $backend, 0);
    $pdo->beginTransaction();
    ebla_chat_post($pdo, $anna, $d, 'retried by the caller');
    $pdo->commit();
    echo "the caller's retry: ", ec_recount_line($pdo), "\n";
    ini_restore('ebla_chat.redis_url');
    ini_restore('ebla_chat.redis_prefix');
}
?>
--EXPECT--
== mysql
post, two deadlocks first: hello @bob; failures left 0; counters exact
  events published once, for the attempt that committed: true
mark_read, two deadlocks first: unread 0; failures left 0; counters exact
edit, two deadlocks first: now @bob; failures left 0; counters exact
delete, two deadlocks first: deleted; failures left 0; counters exact
six deadlocks in a row (1 try + 5 retries): PDOException reaches the caller (transient: true), nothing written: true, failures left 0, in a transaction: false; counters exact
seven: one left unused, the call tried 6 times: 1
inside the caller's transaction: surfaces at once (tried once: true), the call's work undone: 0 notes
the caller's retry: counters exact
== pgsql
post, two deadlocks first: hello @bob; failures left 0; counters exact
  events published once, for the attempt that committed: true
mark_read, two deadlocks first: unread 0; failures left 0; counters exact
edit, two deadlocks first: now @bob; failures left 0; counters exact
delete, two deadlocks first: deleted; failures left 0; counters exact
six deadlocks in a row (1 try + 5 retries): PDOException reaches the caller (transient: true), nothing written: true, failures left 0, in a transaction: false; counters exact
seven: one left unused, the call tried 6 times: 1
inside the caller's transaction: surfaces at once (tried once: true), the call's work undone: 0 notes
the caller's retry: counters exact

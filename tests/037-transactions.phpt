--TEST--
Transactions: joining the caller's transaction, rolling back what we began on a database error mid-write, any PDO error mode
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';

/** Makes every UPDATE of dialog_user fail: the post then fails after its note, attachment and dialog writes. */
function ec_break_dialog_user(PDO $pdo, string $backend): void
{
    switch ($backend) {
        case 'sqlite':
            $pdo->exec("CREATE TRIGGER boom BEFORE UPDATE ON dialog_user BEGIN SELECT RAISE(ABORT, 'boom'); END");
            break;
        case 'mysql':
            $pdo->exec("CREATE TRIGGER boom BEFORE UPDATE ON dialog_user FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom'");
            break;
        case 'pgsql':
            $pdo->exec("CREATE FUNCTION boom() RETURNS trigger AS \$\$ BEGIN RAISE EXCEPTION 'boom'; END \$\$ LANGUAGE plpgsql");
            $pdo->exec("CREATE TRIGGER boom BEFORE UPDATE ON dialog_user FOR EACH ROW EXECUTE FUNCTION boom()");
            break;
    }
}

/** Prints the exception class and whether it is the database's own error. */
function ec_db_error(callable $fn): void
{
    try {
        $fn();
        echo "no exception\n";
    } catch (Throwable $e) {
        echo get_class($e), ' from the database: ', var_export(str_contains($e->getMessage(), 'boom'), true),
            ', errorInfo set: ', var_export(is_array($e->errorInfo ?? null), true), "\n";
    }
}

ec_run(function (PDO $pdo, string $backend) {
    $anna = ec_user($pdo, 'anna');
    $bob = ec_user($pdo, 'bob');
    $d = ebla_chat_dialog_open($pdo, $anna, [$bob])['id'];
    $state = fn() => ec_scalar($pdo, 'SELECT COUNT(*) FROM note') . ' notes, message_count=' . ec_scalar($pdo, 'SELECT message_count FROM dialog WHERE id = ?', [$d])
        . ', bob unread=' . ebla_chat_unread($pdo, $bob)['total'];

    echo "-- caller's transaction, rolled back\n";
    $pdo->beginTransaction();
    ebla_chat_post($pdo, $anna, $d, 'never happened');
    echo "inside: ", $state(), ", still in caller's transaction: ", var_export($pdo->inTransaction(), true), "\n";
    $pdo->rollBack();
    echo "after rollBack: ", $state(), "\n";

    echo "-- caller's transaction, committed\n";
    $pdo->beginTransaction();
    ebla_chat_post($pdo, $anna, $d, 'kept');
    $pdo->commit();
    echo "after commit: ", $state(), "\n";

    echo "-- database error mid-write\n";
    ec_break_dialog_user($pdo, $backend);
    $file = ec_attachment($pdo, $anna, 'a.pdf', 'application/pdf');
    ec_db_error(fn() => ebla_chat_post($pdo, $anna, $d, 'half?', [$file]));
    echo "nothing half-written: ", $state(), ", attachment parent=", var_export(ec_scalar($pdo, 'SELECT parent_id FROM attachment WHERE id = ?', [$file]), true),
        ", in transaction=", var_export($pdo->inTransaction(), true), "\n";

    echo "-- database error inside the caller's transaction\n";
    $pdo->beginTransaction();
    ec_insert($pdo, 'team', ['id' => 'team0000000000001', 'name' => 'caller work', 'deleted' => 0]);
    ec_db_error(fn() => ebla_chat_post($pdo, $anna, $d, 'half?'));
    echo "caller still in its transaction: ", var_export($pdo->inTransaction(), true), "\n";
    $pdo->commit();
    echo "caller's own work kept: ", ec_scalar($pdo, 'SELECT COUNT(*) FROM team'), ", ours rolled back: ", $state(), "\n";

    echo "-- silent and warning error modes\n";
    foreach ([PDO::ERRMODE_SILENT => 'silent', PDO::ERRMODE_WARNING => 'warning'] as $mode => $name) {
        $pdo->setAttribute(PDO::ATTR_ERRMODE, $mode);
        ec_db_error(fn() => @ebla_chat_post($pdo, $anna, $d, 'half?'));
        echo "$name: mode unchanged=", var_export($pdo->getAttribute(PDO::ATTR_ERRMODE) === $mode, true), ", ", $state(), "\n";
        echo "$name: reads work: ", count(ebla_chat_messages($pdo, $anna, $d)), "\n";
    }
    $pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
});
?>
--EXPECT--
-- caller's transaction, rolled back
inside: 1 notes, message_count=1, bob unread=1, still in caller's transaction: true
after rollBack: 0 notes, message_count=0, bob unread=0
-- caller's transaction, committed
after commit: 1 notes, message_count=1, bob unread=1
-- database error mid-write
PDOException from the database: true, errorInfo set: true
nothing half-written: 1 notes, message_count=1, bob unread=1, attachment parent=NULL, in transaction=false
-- database error inside the caller's transaction
PDOException from the database: true, errorInfo set: true
caller still in its transaction: true
caller's own work kept: 1, ours rolled back: 1 notes, message_count=1, bob unread=1
-- silent and warning error modes
PDOException from the database: true, errorInfo set: true
silent: mode unchanged=true, 1 notes, message_count=1, bob unread=1
silent: reads work: 1
PDOException from the database: true, errorInfo set: true
warning: mode unchanged=true, 1 notes, message_count=1, bob unread=1
warning: reads work: 1

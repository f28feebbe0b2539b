--TEST--
Concurrency: a delete in a dialog holding most memberships, left open in a caller's transaction, never makes writes in another dialog wait (MariaDB uses the dialog_id index, not a table scan)
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
foreach (ec_backends() as $backend) {
    if ($backend === 'sqlite') {
        continue;  // SQLite has one writer for the whole file, by design
    }
    $pdo = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($pdo);
    $users = [];
    for ($i = 0; $i < 40; $i++) {
        $users[] = ec_user($pdo, "user$i");
    }
    // The big dialog holds 40 of the 42 memberships; the other one is newer.
    $big = ebla_chat_dialog_open($pdo, $users[0], array_slice($users, 1), ['name' => 'everyone'])['id'];
    $small = ebla_chat_dialog_open($pdo, $users[1], [$users[2]], ['type' => 'group'])['id'];
    $doomed = ebla_chat_post($pdo, $users[0], $big, 'to be deleted');
    ebla_chat_post($pdo, $users[0], $big, 'stays');
    $mine = ebla_chat_post($pdo, $users[1], $small, 'mine');
    ebla_chat_mark_read($pdo, $users[3], $big);
    if ($backend === 'mysql') {
        $pdo->query('ANALYZE TABLE dialog_user')->fetchAll();
        $plan = $pdo->query("EXPLAIN UPDATE dialog_user FORCE INDEX (IDX_DIALOG_ID) SET read_count = read_count - 1 WHERE dialog_id = "
            . $pdo->quote($big) . " AND deleted = FALSE AND last_read_number >= 1 AND read_count > 0")->fetch(PDO::FETCH_ASSOC);
        echo "$backend: the delete's membership update uses key ", $plan['key'], "\n";
    }

    [$user, $pass] = ec_credentials($backend);
    $holder = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    $other = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    // A wait for a lock fails after one second instead of passing unseen.
    $other->exec($backend === 'mysql' ? 'SET SESSION innodb_lock_wait_timeout = 1' : "SET lock_timeout = '1s'");

    $holder->beginTransaction();
    ebla_chat_message_delete($holder, $users[0], $doomed['id']);
    $steps = [
        'post' => fn() => ebla_chat_post($other, $users[1], $small, 'while the big dialog is locked @user2'),
        'mark_read' => fn() => ebla_chat_mark_read($other, $users[2], $small),
        'edit' => fn() => ebla_chat_message_edit($other, $users[1], $mine['id'], 'edited meanwhile'),
        'delete' => fn() => ebla_chat_message_delete($other, $users[1], $mine['id']),
        'add member' => fn() => ebla_chat_dialog_members($other, $users[1], $small, [$users[5]]),
        'open a new dialog' => fn() => ebla_chat_dialog_open($other, $users[6], [$users[7]]),
    ];
    foreach ($steps as $name => $step) {
        try {
            $step();
            echo "$backend: $name in another dialog: done\n";
        } catch (PDOException $e) {
            echo "$backend: $name in another dialog: ", $e->getMessage(), "\n";
        }
    }
    $holder->commit();
    echo "$backend: big dialog unread for user3 ", ebla_chat_dialog_get($pdo, $users[3], $big)['unread'],
        ", for user4 ", ebla_chat_dialog_get($pdo, $users[4], $big)['unread'], "\n";
    $holder = $other = null;
}
?>
--EXPECT--
mysql: the delete's membership update uses key IDX_DIALOG_ID
mysql: post in another dialog: done
mysql: mark_read in another dialog: done
mysql: edit in another dialog: done
mysql: delete in another dialog: done
mysql: add member in another dialog: done
mysql: open a new dialog in another dialog: done
mysql: big dialog unread for user3 0, for user4 1
pgsql: post in another dialog: done
pgsql: mark_read in another dialog: done
pgsql: edit in another dialog: done
pgsql: delete in another dialog: done
pgsql: add member in another dialog: done
pgsql: open a new dialog in another dialog: done
pgsql: big dialog unread for user3 0, for user4 1

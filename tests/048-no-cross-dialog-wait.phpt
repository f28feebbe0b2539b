--TEST--
Concurrency: a delete in a dialog holding most memberships, left open in a caller's transaction, never makes writes in another dialog wait (MariaDB uses the dialog_id index, not a table scan)
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/concurrency.inc';
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

    if (getenv('EBLA_CHAT_TEST_REDIS_URL')) {
        // With Redis on, a post reads (and locks) every membership of its dialog for the events.
        ini_set('ebla_chat.redis_url', getenv('EBLA_CHAT_TEST_REDIS_URL'));
        ini_set('ebla_chat.redis_prefix', 'ebla_t048_' . bin2hex(random_bytes(4)) . ':');
    }
    $bigOnes = [];
    for ($i = 0; $i < 6; $i++) {
        $bigOnes[] = ebla_chat_post($pdo, $users[0], $big, "big $i @user3");
    }
    $holds = [
        'a delete' => fn() => ebla_chat_message_delete($holder, $users[0], $doomed['id']),
        'a post' => fn() => ebla_chat_post($holder, $users[4], $big, 'held post @user5'),
        'a partial read' => fn() => ebla_chat_mark_read($holder, $users[3], $big, $bigOnes[2]['number']),
        'an edit' => fn() => ebla_chat_message_edit($holder, $users[0], $bigOnes[3]['id'], 'held edit @user9'),
        'a member removal' => fn() => ebla_chat_dialog_members($holder, $users[0], $big, [], [$users[30], $users[31]]),
    ];
    $next = 5;
    foreach ($holds as $holdName => $hold) {
        $holder->beginTransaction();
        $hold();
        $mine = ebla_chat_post($pdo, $users[1], $small, 'mine');  // before the steps: a message of the small dialog to change
        $steps = [
            'post' => fn() => ebla_chat_post($other, $users[1], $small, 'while the big dialog is locked @user2'),
            'mark_read' => fn() => ebla_chat_mark_read($other, $users[2], $small),
            'edit' => fn() => ebla_chat_message_edit($other, $users[1], $mine['id'], 'edited meanwhile'),
            'delete' => fn() => ebla_chat_message_delete($other, $users[1], $mine['id']),
            'add member' => fn() => ebla_chat_dialog_members($other, $users[1], $small, [$users[$next]]),
            'open a new dialog' => fn() => ebla_chat_dialog_open($other, $users[6], [$users[7]], ['name' => "new $holdName"]),
        ];
        $waited = [];
        foreach ($steps as $name => $step) {
            try {
                $step();
            } catch (PDOException $e) {
                $waited[] = "$name: " . $e->getMessage();
            }
        }
        $next++;
        $holder->commit();
        echo "$backend: while $holdName in the big dialog is uncommitted, the other dialog: ",
            $waited ? "WAITED\n  " . implode("\n  ", $waited) : 'never waits', "\n";
    }
    echo "$backend: big dialog unread for user3 ", ebla_chat_dialog_get($pdo, $users[3], $big)['unread'],
        ", for user4 ", ebla_chat_dialog_get($pdo, $users[4], $big)['unread'], "; ", ec_recount_line($pdo), "\n";
    ini_restore('ebla_chat.redis_url');
    ini_restore('ebla_chat.redis_prefix');
    $holder = $other = null;
}
?>
--EXPECT--
mysql: the delete's membership update uses key IDX_DIALOG_ID
mysql: while a delete in the big dialog is uncommitted, the other dialog: never waits
mysql: while a post in the big dialog is uncommitted, the other dialog: never waits
mysql: while a partial read in the big dialog is uncommitted, the other dialog: never waits
mysql: while an edit in the big dialog is uncommitted, the other dialog: never waits
mysql: while a member removal in the big dialog is uncommitted, the other dialog: never waits
mysql: big dialog unread for user3 4, for user4 0; counters exact
pgsql: while a delete in the big dialog is uncommitted, the other dialog: never waits
pgsql: while a post in the big dialog is uncommitted, the other dialog: never waits
pgsql: while a partial read in the big dialog is uncommitted, the other dialog: never waits
pgsql: while an edit in the big dialog is uncommitted, the other dialog: never waits
pgsql: while a member removal in the big dialog is uncommitted, the other dialog: never waits
pgsql: big dialog unread for user3 4, for user4 0; counters exact

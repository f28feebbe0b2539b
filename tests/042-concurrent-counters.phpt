--TEST--
Unread: many processes posting, reading and deleting in one dialog at once lose no increment (every counter equals a recount)
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
$rounds = getenv('USE_ZEND_ALLOC') === '0' ? 8 : 40;  // fewer under valgrind
foreach (ec_backends() as $backend) {
    $pdo = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($pdo);
    if ($backend === 'sqlite') {
        $pdo->exec('PRAGMA journal_mode = WAL');
    }
    $users = [];
    for ($i = 0; $i < 6; $i++) {
        $users[] = ec_user($pdo, "user$i");
    }
    $dialog = ebla_chat_dialog_open($pdo, $users[0], array_slice($users, 1), ['name' => 'busy'])['id'];
    [$user, $pass] = ec_credentials($backend);
    $outs = ec_race(6, <<<'PHP'
        $a = json_decode($argv[1], true);
        $pdo = new PDO($a['dsn'], $a['user'], $a['pass'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        if (str_starts_with($a['dsn'], 'sqlite:')) { $pdo->exec('PRAGMA busy_timeout = 30000'); }
        mt_srand($a['worker']);
        $me = $a['users'][$a['worker']];
        $mine = [];
        ec_start($a);
        for ($i = 0; $i < $a['rounds']; $i++) {
            // No retry here: a deadlock of the engine's own transaction is retried inside the call.
            $r = mt_rand(0, 9);
            if ($r < 5) {
                $mine[] = ebla_chat_post($pdo, $me, $a['dialog'], "w{$a['worker']} #$i @user" . mt_rand(0, 5))['id'];
            } elseif ($r < 8) {
                ebla_chat_mark_read($pdo, $me, $a['dialog'], mt_rand(0, 1) ? null : mt_rand(0, 400));
            } elseif ($mine) {
                ebla_chat_message_delete($pdo, $me, array_splice($mine, mt_rand(0, count($mine) - 1), 1)[0]);
            }
        }
        echo "ok";
        PHP, ['dsn' => $dsn, 'user' => $user, 'pass' => $pass, 'users' => $users, 'dialog' => $dialog, 'rounds' => $rounds]);
    foreach ($outs as $i => $out) {
        if (trim($out) !== 'ok') {
            echo "$backend worker $i: $out\n";
        }
    }
    $q = fn(string $sql, array $p = []) => ec_scalar($pdo, $sql, $p);
    $live = (int) $q("SELECT COUNT(*) FROM note WHERE parent_id = ? AND parent_type = 'Dialog' AND deleted = FALSE", [$dialog]);
    $bad = [];
    if ((int) $q('SELECT message_count FROM dialog WHERE id = ?', [$dialog]) !== $live) {
        $bad[] = 'message_count';
    }
    if ((int) $q('SELECT last_message_number FROM dialog WHERE id = ?', [$dialog])
        !== (int) $q("SELECT COALESCE(MAX(`number`), 0) FROM note WHERE parent_id = ? AND deleted = FALSE", [$dialog])) {
        $bad[] = 'last_message_number';
    }
    foreach ($users as $i => $u) {
        $unread = ebla_chat_dialog_get($pdo, $u, $dialog)['unread'];
        $recount = (int) $q("SELECT COUNT(*) FROM note n JOIN dialog_user du ON du.dialog_id = n.parent_id AND du.user_id = ?
            WHERE n.parent_id = ? AND n.deleted = FALSE AND n.`number` > du.last_read_number", [$u, $dialog]);
        $mentions = ebla_chat_dialog_get($pdo, $u, $dialog)['mentions'];
        if ($unread !== $recount) {
            $bad[] = "user$i unread $unread != recount $recount";
        }
        if ($mentions > $unread || $mentions < 0) {
            $bad[] = "user$i mentions $mentions > unread $unread";
        }
    }
    echo "$backend: ", $live > 0 ? 'messages posted' : 'nothing posted', ', counters ', $bad ? 'WRONG: ' . implode('; ', $bad) : 'exact', "\n";
}
?>
--EXPECT--
sqlite: messages posted, counters exact
mysql: messages posted, counters exact
pgsql: messages posted, counters exact

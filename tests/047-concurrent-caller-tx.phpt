--TEST--
Concurrency: worker processes posting, reading, editing and deleting, half of it inside their own REPEATABLE READ transactions, leave every counter equal to a recount; no deadlock of the engine's own transaction reaches a caller
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/concurrency.inc';
$rounds = getenv('USE_ZEND_ALLOC') === '0' ? 6 : 60;  // fewer under valgrind
foreach (ec_backends() as $backend) {
    $pdo = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($pdo);
    if ($backend === 'sqlite') {
        $pdo->exec('PRAGMA journal_mode = WAL');
    }
    $users = [];
    for ($i = 0; $i < 4; $i++) {
        $users[] = ec_user($pdo, "user$i");
    }
    $dialogs = [
        ebla_chat_dialog_open($pdo, $users[0], array_slice($users, 1), ['name' => 'one'])['id'],
        ebla_chat_dialog_open($pdo, $users[1], [$users[0], $users[2], $users[3]], ['name' => 'two'])['id'],
    ];
    [$user, $pass] = ec_credentials($backend);
    $outs = ec_race(4, <<<'PHP'
        require json_decode($argv[1], true)["inc"];
        $a = json_decode($argv[1], true);
        $pdo = new PDO($a['dsn'], $a['user'], $a['pass'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        $sqlite = str_starts_with($a['dsn'], 'sqlite:');
        if ($sqlite) { $pdo->exec('PRAGMA busy_timeout = 30000'); }
        if (str_starts_with($a['dsn'], 'pgsql:')) {
            // Even as the session's default, REPEATABLE READ never fails the engine's own transactions.
            $pdo->exec('SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        }
        mt_srand($a['worker'] + 1);
        $me = $a['users'][$a['worker']];
        $mine = [];
        $problems = [];
        ec_start($a);
        for ($i = 0; $i < $a['rounds']; $i++) {
            // SQLite has one writer: a caller's transaction that read first cannot write after another writer.
            $inCaller = !$sqlite && mt_rand(0, 1) === 1;
            $op = mt_rand(0, 9);
            $dialog = $a['dialogs'][mt_rand(0, 1)];
            $other = mt_rand(0, 3);
            for ($attempt = 1; ; $attempt++) {
                try {
                    if ($inCaller) {
                        ec_begin_snapshot($pdo);
                    }
                    if ($op < 4) {
                        $mine[] = ebla_chat_post($pdo, $me, $dialog, "w{$a['worker']} #$i @user$other")['id'];
                    } elseif ($op < 7) {
                        ebla_chat_mark_read($pdo, $me, $dialog, mt_rand(0, 1) ? null : mt_rand(0, 300));
                    } elseif ($op < 8 && $mine) {
                        ebla_chat_message_edit($pdo, $me, $mine[mt_rand(0, count($mine) - 1)], "edited @user$other");
                    } elseif ($mine) {
                        ebla_chat_message_delete($pdo, $me, array_splice($mine, mt_rand(0, count($mine) - 1), 1)[0]);
                    }
                    if ($inCaller) {
                        $pdo->commit();
                    }
                    break;
                } catch (EblaChat\NotFoundException $e) {
                    if ($inCaller) { $pdo->rollBack(); }
                    break;  // edited or deleted a message already deleted: fine
                } catch (PDOException $e) {
                    if ($inCaller && $pdo->inTransaction()) { $pdo->rollBack(); }
                    if (!$inCaller) {
                        $problems[] = 'own transaction: ' . $e->getMessage();
                        break;
                    }
                    if (!ec_is_transient($e) || $attempt >= 20) {
                        $problems[] = 'caller transaction: ' . $e->getMessage();
                        break;
                    }
                    usleep(mt_rand(1000, 10000));  // the caller retries its whole transaction
                }
            }
        }
        echo $problems ? implode("\n", $problems) : 'ok';
        PHP, ['dsn' => $dsn, 'user' => $user, 'pass' => $pass, 'users' => $users, 'dialogs' => $dialogs,
              'rounds' => $rounds, 'inc' => __DIR__ . '/concurrency.inc']);
    foreach ($outs as $i => $out) {
        if (trim($out) !== 'ok') {
            echo "$backend worker $i: $out\n";
        }
    }
    $posted = (int) ec_scalar($pdo, "SELECT COUNT(*) FROM note WHERE parent_type = 'Dialog'");
    echo "$backend: ", $posted > 0 ? 'messages posted' : 'nothing posted', ', ', ec_recount_line($pdo), "\n";
}
?>
--EXPECT--
sqlite: messages posted, counters exact
mysql: messages posted, counters exact
pgsql: messages posted, counters exact

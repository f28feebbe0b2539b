--TEST--
Concurrency: worker processes posting, reading, editing and deleting, half of it inside their own REPEATABLE READ transactions, and one process killed meanwhile, leave every counter equal to a recount; no deadlock of the engine's own transaction reaches a caller
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
    // A victim process posting and deleting in a loop, killed (SIGKILL) while the workers run:
    // whatever it had not committed is rolled back by the server, never half-written.
    $victim = null;
    // (Not under valgrind: the forked killer leaves without PHP's shutdown, which memcheck reports.)
    if (function_exists('pcntl_fork') && function_exists('posix_kill') && getenv('USE_ZEND_ALLOC') !== '0') {
        $victimScript = tempnam(sys_get_temp_dir(), 'ebla_victim') . '.php';
        file_put_contents($victimScript, '<?php
            $a = json_decode($argv[1], true);
            $pdo = new PDO($a["dsn"], $a["user"], $a["pass"], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
            if (str_starts_with($a["dsn"], "sqlite:")) { $pdo->exec("PRAGMA busy_timeout = 30000"); }
            echo "up\n";
            for ($i = 0; ; $i++, usleep(2000)) {
                $m = ebla_chat_post($pdo, $a["me"], $a["dialog"], "victim $i @user1");
                if ($i % 3 === 0) { ebla_chat_message_delete($pdo, $a["me"], $m["id"]); }
                if ($i % 4 === 0) { $pdo->beginTransaction(); ebla_chat_post($pdo, $a["me"], $a["dialog"], "victim in tx"); ebla_chat_mark_read($pdo, $a["me"], $a["dialog"]); $pdo->commit(); }
            }');
        $cmd = ec_php_command($victimScript);
        $cmd[] = json_encode(['dsn' => $dsn, 'user' => $user, 'pass' => $pass, 'me' => $users[3], 'dialog' => $dialogs[0]]);
        $victim = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $victimPipes);
        fgets($victimPipes[1]);  // it runs
        $victimPid = proc_get_status($victim)['pid'];
        $killer = pcntl_fork();
        if ($killer === 0) {
            usleep(mt_rand(200000, 600000));
            posix_kill($victimPid, SIGKILL);
            // Leave without running the parent's shutdown functions or closing its connections.
            posix_kill(posix_getpid(), SIGKILL);
        }
    }
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
                    // PostgreSQL at REPEATABLE READ: the first updater wins, so a busy dialog may
                    // fail a caller's transaction many times in a row; it retries, backing off.
                    if (!ec_is_transient($e) || $attempt >= 100) {
                        $problems[] = 'caller transaction: ' . $e->getMessage();
                        break;
                    }
                    usleep(mt_rand(1000, 2000 * min($attempt, 20)));  // the caller retries its whole transaction
                }
            }
        }
        echo $problems ? implode("\n", $problems) : 'ok';
        PHP, ['dsn' => $dsn, 'user' => $user, 'pass' => $pass, 'users' => $users, 'dialogs' => $dialogs,
              'rounds' => $rounds, 'inc' => __DIR__ . '/concurrency.inc']);
    if ($victim) {
        pcntl_waitpid($killer, $status);
        proc_close($victim);
        unlink($victimScript);
    }
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

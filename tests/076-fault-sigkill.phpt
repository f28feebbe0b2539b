--TEST--
Faults: PHP processes killed with SIGKILL in the middle of posts, edits, deletes, reads and member changes (several at once, many kills) leave every counter exact
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/faults.inc';

const WORKERS = 4;
// Fewer under the sanitizers (USE_ZEND_ALLOC=0), fewest under valgrind, which traces every worker.
$killsPerBackend = getenv('VALGRIND_OPTS') !== false ? 4 : (getenv('USE_ZEND_ALLOC') === '0' ? 12 : 30);

$worker = <<<'PHP'
<?php
$a = json_decode($argv[1], true);
$pdo = new PDO($a['dsn'], $a['user'], $a['pass'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
if (str_starts_with($a['dsn'], 'sqlite:')) {
    $pdo->exec('PRAGMA busy_timeout = 30000');
}
mt_srand($a['seed']);
$users = $a['users'];
$mine = [];
for ($i = 0; ; $i++) {
    $me = $users[mt_rand(0, count($users) - 1)];
    $dialog = $a['dialogs'][mt_rand(0, count($a['dialogs']) - 1)];
    try {
        switch (mt_rand(0, 9)) {
            case 0: case 1: case 2:
                $mine[] = [$me, ebla_chat_post($pdo, $me, $dialog, "w{$a['seed']} $i @u" . mt_rand(0, 4))['id']];
                break;
            case 3:
                $id = ec_attachment_row($pdo, $me);
                $mine[] = [$me, ebla_chat_post($pdo, $me, $dialog, '', [$id])['id']];
                break;
            case 4:
                ebla_chat_mark_read($pdo, $me, $dialog, mt_rand(0, 1) ? null : mt_rand(0, 500));
                break;
            case 5:
                if ($mine) {
                    [$who, $msg] = $mine[mt_rand(0, count($mine) - 1)];
                    ebla_chat_message_edit($pdo, $who, $msg, "edited @u" . mt_rand(0, 4));
                }
                break;
            case 6:
                if ($mine) {
                    [$who, $msg] = array_splice($mine, mt_rand(0, count($mine) - 1), 1)[0];
                    ebla_chat_message_delete($pdo, $who, $msg);
                }
                break;
            case 7:
                $other = $users[mt_rand(0, count($users) - 1)];
                mt_rand(0, 1) ? ebla_chat_dialog_members($pdo, $users[0], $a['dialogs'][0], [$other])
                              : ebla_chat_dialog_members($pdo, $users[0], $a['dialogs'][0], [], [$other]);
                break;
            default:
                ebla_chat_messages($pdo, $me, $dialog, ['limit' => 20]);
                ebla_chat_unread($pdo, $me);
                ebla_chat_dialog_list($pdo, $me);
                ebla_chat_poll($pdo, $me, ['dialogId' => $dialog, 'after' => 0]);
        }
    } catch (EblaChat\Exception | PDOException $e) {
        // not a member (any more), a deadlock victim, a message deleted by another worker: go on
    } catch (Throwable $e) {
        fwrite(STDERR, 'ERROR ' . get_class($e) . ': ' . $e->getMessage() . "\n");
    }
    if ($i === 0) {
        touch($a['ready']);
    }
}

function ec_attachment_row(PDO $pdo, string $owner): string
{
    $id = ebla_chat_generate_id();
    $q = $pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'mysql' ? '`' : '"';
    $pdo->prepare("INSERT INTO {$q}attachment{$q} (id, name, deleted, type, size, role, parent_type, field, storage, created_by_id, created_at)
        VALUES (?, 'f.txt', FALSE, 'text/plain', 1, 'Attachment', 'Note', 'attachments', 'EspoUploadDir', ?, ?)")
        ->execute([$id, $owner, gmdate('Y-m-d H:i:s')]);
    return $id;
}
PHP;
$script = tempnam(sys_get_temp_dir(), 'ebla_kill') . '.php';
file_put_contents($script, $worker);
mt_srand(73);
$total = 0;
foreach (ec_backends() as $backend) {
    $pdo = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($pdo);
    if ($backend === 'sqlite') {
        $pdo->exec('PRAGMA journal_mode = WAL');
    }
    $users = [];
    for ($i = 0; $i < 5; $i++) {
        $users[] = ec_user($pdo, "u$i");
    }
    $dialogs = [
        ebla_chat_dialog_open($pdo, $users[0], array_slice($users, 1), ['name' => 'all'])['id'],
        ebla_chat_dialog_open($pdo, $users[1], [$users[2], $users[3], $users[4]], ['name' => 'some'])['id'],
        ebla_chat_dialog_open($pdo, $users[1], [$users[2]])['id'],
    ];
    [$user, $pass] = ec_credentials($backend);
    $errors = [];
    $start = function (int $seed) use ($script, $dsn, $user, $pass, $users, $dialogs) {
        $ready = "$script.$seed.ready";
        $err = "$script.$seed.err";
        $cmd = ec_php_command($script);
        $cmd[] = json_encode(['dsn' => $dsn, 'user' => $user, 'pass' => $pass, 'users' => $users,
            'dialogs' => $dialogs, 'seed' => $seed, 'ready' => $ready]);
        $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', $err, 'w']], $pipes);
        return [$proc, $ready, $err];
    };
    $collect = function (array $w) use (&$errors) {
        foreach (file($w[2]) ?: [] as $line) {
            if (str_starts_with($line, 'ERROR')) {
                $errors[] = trim($line);
            }
        }
        @unlink($w[1]);
        @unlink($w[2]);
    };
    $workers = [];
    $seed = 0;
    for ($i = 0; $i < WORKERS; $i++) {
        $workers[$i] = $start(++$seed);
    }
    $kills = 0;
    while ($kills < $killsPerBackend) {
        $i = mt_rand(0, WORKERS - 1);
        // Kill only a worker that is busy (it has done its first call), after a random pause.
        while (!file_exists($workers[$i][1])) {
            if (!proc_get_status($workers[$i][0])['running']) {
                break;
            }
            usleep(2000);
        }
        usleep(mt_rand(5000, 60000));
        proc_terminate($workers[$i][0], 9);
        proc_close($workers[$i][0]);
        $collect($workers[$i]);
        $kills++;
        $workers[$i] = $start(++$seed);
    }
    foreach ($workers as $w) {
        proc_terminate($w[0], 9);
        proc_close($w[0]);
        $collect($w);
        $kills++;
    }
    $total += $kills;
    // The server rolls back what a killed connection left open when it sees the socket close.
    usleep(200000);
    $problems = ec_consistency($pdo);
    $posted = (int) ec_scalar($pdo, "SELECT COUNT(*) FROM note WHERE parent_type = 'Dialog'");
    echo "$backend: ", $posted > 20 ? 'messages posted' : "only $posted messages posted", ', consistency: ',
        $problems ? implode('; ', array_slice($problems, 0, 10)) : 'ok', "\n";
    foreach (array_unique($errors) as $e) {
        echo "  $e\n";
    }
    $pdo = null;
}
unlink($script);
echo "processes killed: ", $total >= 3 * $killsPerBackend ? 'all' : 'too few', "\n";
?>
--EXPECTF--
sqlite: messages posted, consistency: ok
mysql: messages posted, consistency: ok
pgsql: messages posted, consistency: ok
processes killed: all

--TEST--
Faults: the server kills the connection in the middle of a write's transaction (KILL, pg_terminate_backend): the caller gets its PDOException and nothing of the write is left
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/faults.inc';

/*
 * A trigger sleeps (up to 60 s) inside the write when ec_stall.armed names the table; a child
 * process waits until the victim connection is in that sleep, then has the server kill it. The
 * kill follows the sleep, not a clock, so the test is deterministic however slow the machine is.
 */
function ec_stall_install(PDO $pdo, string $backend): void
{
    $pdo->exec("CREATE TABLE ec_stall (armed VARCHAR(32) NOT NULL)");
    $pdo->exec("INSERT INTO ec_stall (armed) VALUES ('')");
    if ($backend === 'pgsql') {
        $pdo->exec("CREATE FUNCTION ec_stall_hit() RETURNS trigger AS \$\$
            BEGIN
                IF (SELECT armed FROM ec_stall) = TG_TABLE_NAME THEN PERFORM pg_sleep(60); END IF;
                RETURN NULL;
            END \$\$ LANGUAGE plpgsql");
    }
    foreach (EC_FAULT_TABLES as $table) {
        foreach (['INSERT', 'UPDATE'] as $op) {
            $name = "ec_stall_{$table}_" . strtolower($op);
            if ($backend === 'mysql') {
                $pdo->exec("CREATE TRIGGER $name AFTER $op ON `$table` FOR EACH ROW BEGIN
                    IF (SELECT armed FROM ec_stall) = '$table' THEN DO SLEEP(60); END IF;
                END");
            } else {
                $pdo->exec("CREATE TRIGGER $name AFTER $op ON \"$table\" FOR EACH ROW EXECUTE FUNCTION ec_stall_hit()");
            }
        }
    }
}

function ec_killer_start(string $backend, string $victim): array
{
    $up = strtoupper($backend);
    $code = '<?php
        [$dsn, $user, $pass, $backend, $victim] = array_slice($argv, 1);
        $pdo = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        $sql = $backend === "mysql"
            ? "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = $victim AND STATE = \'User sleep\'"
            : "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $victim AND wait_event = \'PgSleep\'";
        for ($i = 0; $i < 60000 && !$pdo->query($sql)->fetchColumn(); $i++) { usleep(1000); }
        $pdo->query($backend === "mysql" ? "KILL CONNECTION $victim" : "SELECT pg_terminate_backend($victim)")->fetchAll();
        echo "killed";';
    $script = tempnam(sys_get_temp_dir(), 'ebla_killer') . '.php';
    file_put_contents($script, $code);
    $proc = proc_open([PHP_BINARY, $script, getenv("EBLA_CHAT_TEST_{$up}_DSN"), getenv("EBLA_CHAT_TEST_{$up}_USER"),
        getenv("EBLA_CHAT_TEST_{$up}_PASSWORD"), $backend, $victim], [1 => ['pipe', 'w']], $pipes);
    return [$proc, $pipes[1], $script];
}

$kills = 0;
foreach (ec_backends() as $backend) {
    if ($backend === 'sqlite') {
        continue;   // no server connection to lose
    }
    $admin = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($admin, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($admin);
    $ann = ec_user($admin, 'ann');
    $bob = ec_user($admin, 'bob');
    $cat = ec_user($admin, 'cat');
    $group = ebla_chat_dialog_open($admin, $ann, [$bob], ['name' => 'team'])['id'];
    $msg = ebla_chat_post($admin, $ann, $group, 'first @bob')['id'];
    ebla_chat_post($admin, $bob, $group, 'second');
    ec_stall_install($admin, $backend);
    [$user, $pass] = ec_credentials($backend);
    $file = ec_attachment($admin, $ann, 'a.pdf', 'application/pdf');
    $ops = [
        'post' => [fn($p) => ebla_chat_post($p, $ann, $group, 'lost @bob', [$file]), ['note', 'attachment', 'dialog', 'dialog_user']],
        'edit' => [fn($p) => ebla_chat_message_edit($p, $ann, $msg, 'changed'), ['note']],
        'delete' => [fn($p) => ebla_chat_message_delete($p, $ann, $msg), ['note', 'dialog']],
        'mark_read' => [fn($p) => ebla_chat_mark_read($p, $ann, $group), ['dialog_user']],
        'members' => [fn($p) => ebla_chat_dialog_members($p, $ann, $group, [$cat]), ['dialog_user']],
        'open' => [fn($p) => ebla_chat_dialog_open($p, $cat, [$ann], ['name' => 'x']), ['dialog', 'dialog_user']],
    ];
    $lines = [];
    foreach ($ops as $name => [$op, $tables]) {
        foreach ($tables as $table) {
            $before = ec_fault_snapshot($admin);
            $victim = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
            $id = $victim->query($backend === 'mysql' ? 'SELECT CONNECTION_ID()' : 'SELECT pg_backend_pid()')->fetchColumn();
            $admin->exec("UPDATE ec_stall SET armed = '$table'");
            [$proc, $out, $script] = ec_killer_start($backend, (string) $id);
            set_error_handler(function ($no, $msg) use (&$warning) { $warning = $msg; return true; });
            $warning = null;
            try {
                $op($victim);
                $result = 'no exception';
            } catch (PDOException $e) {
                $result = 'PDOException';
            } catch (Throwable $e) {
                $result = get_class($e) . ': ' . $e->getMessage();
            }
            restore_error_handler();
            if (proc_get_status($proc)['running'] && $result === 'no exception') {
                proc_terminate($proc);   // the write never stalled: nothing to wait for
            }
            $killer = stream_get_contents($out);
            proc_close($proc);
            unlink($script);
            $victim = null;
            $admin->exec("UPDATE ec_stall SET armed = ''");
            $kills += $killer === 'killed' ? 1 : 0;
            $same = ec_fault_snapshot($admin) === $before;
            $lines[] = sprintf('%-9s stalled in %-11s %s, %s, %s', $name, $table, $killer === 'killed' ? 'killed' : 'NOT KILLED',
                $result, $same ? 'nothing written' : 'ROWS CHANGED');
        }
    }
    $problems = ec_consistency($admin);
    echo "$backend:\n  ", implode("\n  ", $lines), "\n  consistency: ", $problems ? implode('; ', $problems) : 'ok', "\n";
    $admin = null;
}
echo "connections killed: $kills\n";
?>
--EXPECT--
mysql:
  post      stalled in note        killed, PDOException, nothing written
  post      stalled in attachment  killed, PDOException, nothing written
  post      stalled in dialog      killed, PDOException, nothing written
  post      stalled in dialog_user killed, PDOException, nothing written
  edit      stalled in note        killed, PDOException, nothing written
  delete    stalled in note        killed, PDOException, nothing written
  delete    stalled in dialog      killed, PDOException, nothing written
  mark_read stalled in dialog_user killed, PDOException, nothing written
  members   stalled in dialog_user killed, PDOException, nothing written
  open      stalled in dialog      killed, PDOException, nothing written
  open      stalled in dialog_user killed, PDOException, nothing written
  consistency: ok
pgsql:
  post      stalled in note        killed, PDOException, nothing written
  post      stalled in attachment  killed, PDOException, nothing written
  post      stalled in dialog      killed, PDOException, nothing written
  post      stalled in dialog_user killed, PDOException, nothing written
  edit      stalled in note        killed, PDOException, nothing written
  delete    stalled in note        killed, PDOException, nothing written
  delete    stalled in dialog      killed, PDOException, nothing written
  mark_read stalled in dialog_user killed, PDOException, nothing written
  members   stalled in dialog_user killed, PDOException, nothing written
  open      stalled in dialog      killed, PDOException, nothing written
  open      stalled in dialog_user killed, PDOException, nothing written
  consistency: ok
connections killed: 22

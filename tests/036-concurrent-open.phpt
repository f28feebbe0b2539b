--TEST--
Dialogs: processes opening the same direct dialog at the same moment all get the same one
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
foreach (ec_backends() as $backend) {
    $pdo = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
    if ($backend === 'sqlite') {
        $pdo->exec('PRAGMA journal_mode = WAL');
    }
    $anna = ec_user($pdo, 'anna');
    $bob = ec_user($pdo, 'bob');
    [$user, $pass] = ec_credentials($backend);
    $outs = ec_race(6, <<<'PHP'
        $a = json_decode($argv[1], true);
        $pdo = new PDO($a['dsn'], $a['user'], $a['pass'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        if (str_starts_with($a['dsn'], 'sqlite:')) { $pdo->exec('PRAGMA busy_timeout = 10000'); }
        ec_start($a);
        // Half of them open it from each side, half with a parent record.
        $me = $a['worker'] % 2 ? $a['anna'] : $a['bob'];
        $other = $a['worker'] % 2 ? $a['bob'] : $a['anna'];
        $opts = $a['worker'] % 4 >= 2 ? ['parentType' => 'Case', 'parentId' => 'case0000000000001'] : [];
        echo ($opts ? 'case ' : 'plain ') . ebla_chat_dialog_open($pdo, $me, [$other], $opts)['id'];
        PHP, ['dsn' => $dsn, 'user' => $user, 'pass' => $pass, 'anna' => $anna, 'bob' => $bob]);
    $ids = [];
    foreach ($outs as $out) {
        [$kind, $id] = explode(' ', trim($out)) + [1 => ''];
        $ids[$kind][$id] = true;
        if (!preg_match('/^(plain|case) [0-9a-f]{17}$/', trim($out))) {
            echo "$backend: unexpected output: $out\n";
        }
    }
    echo "$backend: plain ids=", count($ids['plain'] ?? []), " case ids=", count($ids['case'] ?? []),
        " dialogs=", ec_scalar($pdo, 'SELECT COUNT(*) FROM dialog'), " memberships=", ec_scalar($pdo, 'SELECT COUNT(*) FROM dialog_user'), "\n";
}
?>
--EXPECTF--
sqlite: plain ids=1 case ids=1 dialogs=2 memberships=4
mysql: plain ids=1 case ids=1 dialogs=2 memberships=4
pgsql: plain ids=1 case ids=1 dialogs=2 memberships=4

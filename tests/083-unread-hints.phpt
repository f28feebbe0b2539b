--TEST--
Unread hints: the bell, the popups and the poll read only hinted memberships and stay exact: random writes, an upgrade without hints, a post committed late by a caller's transaction, concurrent writers and readers
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/concurrency.inc';

/** The bell as a full scan of every membership would answer it (the reference). */
function ec_bell_reference(PDO $pdo, string $user): array
{
    $dialogs = [];
    $total = 0;
    $st = $pdo->prepare('SELECT d.id, d.message_count - du.read_count AS n, du.is_muted FROM dialog_user du JOIN dialog d '
        . 'ON d.id = du.dialog_id WHERE du.user_id = ? AND du.deleted = FALSE AND d.deleted = FALSE AND d.message_count > du.read_count');
    $st->execute([$user]);
    foreach ($st->fetchAll(PDO::FETCH_ASSOC) as $r) {
        $dialogs[$r['id']] = (int) $r['n'];
        $total += in_array($r['is_muted'], [true, 1, '1', 't'], true) ? 0 : (int) $r['n'];
    }
    ksort($dialogs);
    return ['total' => $total, 'dialogs' => $dialogs];
}

/** The first page of the dialog list as a sort of every membership would give it. */
function ec_list_reference(PDO $pdo, string $user, int $limit): array
{
    $st = $pdo->prepare('SELECT d.id FROM dialog_user du JOIN dialog d ON d.id = du.dialog_id WHERE du.user_id = ? '
        . 'AND du.deleted = FALSE AND d.deleted = FALSE ORDER BY d.last_message_number DESC, d.created_at DESC, d.id DESC');
    $st->execute([$user]);
    $all = $st->fetchAll(PDO::FETCH_COLUMN);
    return [count($all), array_slice($all, 0, $limit)];
}

function ec_list_differs(PDO $pdo, string $user, int $limit): bool
{
    $list = ebla_chat_dialog_list($pdo, $user, ['limit' => $limit]);
    return [$list['total'], array_column($list['list'], 'id')] !== ec_list_reference($pdo, $user, $limit);
}

function ec_bell_differs(PDO $pdo, string $user): bool
{
    $bell = ebla_chat_unread($pdo, $user);
    ksort($bell['dialogs']);
    $poll = ebla_chat_poll($pdo, $user, ['peek' => true])['unread'];
    ksort($poll['dialogs']);
    $want = ec_bell_reference($pdo, $user);
    return $bell != $want || $poll != $want;
}

// 1. Random writes of every kind, the bell of every user compared after each.
ec_run(function (PDO $pdo) {
    mt_srand(83);
    $users = [];
    foreach (['a', 'b', 'c', 'd'] as $name) {
        $users[$name] = ec_user($pdo, $name);
    }
    $ids = array_values($users);
    $dialogs = [];
    foreach ([['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd']] as [$x, $y]) {
        $dialogs[] = ebla_chat_dialog_open($pdo, $users[$x], [$users[$y]])['id'];
    }
    for ($i = 0; $i < 4; $i++) {
        $dialogs[] = ebla_chat_dialog_open($pdo, $users['a'], [$users['b'], $users['c'], $users['d']], ['name' => "g$i"])['id'];
    }
    $messages = [];
    $checks = $differ = $listDiffer = 0;
    for ($step = 0; $step < 300; $step++) {
        $d = $dialogs[mt_rand(0, count($dialogs) - 1)];
        $members = array_map('strval', $pdo->query("SELECT user_id FROM dialog_user WHERE dialog_id = '$d' AND deleted = FALSE "
            . 'ORDER BY user_id')->fetchAll(PDO::FETCH_COLUMN));
        $group = ec_scalar($pdo, "SELECT type FROM dialog WHERE id = '$d'") === 'Group';
        $who = $members[mt_rand(0, count($members) - 1)];
        $op = mt_rand(0, 99);
        if ($op < 50) {
            $text = mt_rand(0, 3) === 0 ? 'hi @b and @c' : "message $step";
            $messages[] = [ebla_chat_post($pdo, $who, $d, $text)['id'], $who];
        } elseif ($op < 70) {
            $last = ebla_chat_dialog_get($pdo, $who, $d)['lastMessage'];
            ebla_chat_mark_read($pdo, $who, $d, $last && mt_rand(0, 1) ? max(0, $last['number'] - mt_rand(0, 3)) : null);
        } elseif ($op < 80 && $messages) {
            [$mid, $author] = $messages[mt_rand(0, count($messages) - 1)];
            try {
                ebla_chat_message_delete($pdo, $author, $mid);
            } catch (EblaChat\NotFoundException | EblaChat\ForbiddenException $e) {
                // deleted before, or its author has left the dialog
            }
        } elseif ($op < 85 && $messages) {
            [$mid, $author] = $messages[mt_rand(0, count($messages) - 1)];
            try {
                ebla_chat_message_edit($pdo, $author, $mid, 'edited @d');
            } catch (EblaChat\NotFoundException | EblaChat\ForbiddenException $e) {
            }
        } elseif ($op < 92 && $group) {
            $other = $ids[mt_rand(1, 3)];
            in_array($other, $members, true)
                ? ebla_chat_dialog_members($pdo, $users['a'], $d, [], [$other])
                : ebla_chat_dialog_members($pdo, $users['a'], $d, [$other]);
        } else {
            ebla_chat_dialog_mute($pdo, $who, $d, (bool) mt_rand(0, 1));
        }
        foreach ($ids as $u) {
            $checks++;
            $differ += ec_bell_differs($pdo, $u) ? 1 : 0;
            $listDiffer += ec_list_differs($pdo, $u, 1 + $step % 4) ? 1 : 0;
        }
    }
    $hinted = ec_scalar($pdo, 'SELECT COUNT(*) FROM dialog_user WHERE unread_hint = TRUE');
    $unread = ec_scalar($pdo, 'SELECT COUNT(*) FROM dialog_user du JOIN dialog d ON d.id = du.dialog_id WHERE du.deleted = FALSE '
        . 'AND d.message_count > du.read_count');
    echo "random writes: $checks bells and polls compared with a full scan, $differ differ; "
        . ($hinted >= $unread ? 'hinted >= unread memberships' : "hinted $hinted < unread $unread"), "\n";
    echo "random writes: $checks first pages of the dialog list (1 to 4 dialogs) compared with a full sort, $listDiffer differ\n";

    // An install upgraded from a version without hints: no watermark, no hint.
    $pdo->exec('DELETE FROM dialog_reader');
    $pdo->exec('UPDATE dialog_user SET unread_hint = FALSE');
    $pdo->exec('UPDATE dialog_user SET list_number = 0');
    $differ = 0;
    foreach ($ids as $u) {
        $differ += ec_bell_differs($pdo, $u) ? 1 : 0;
        $differ += ec_list_differs($pdo, $u, 3) ? 1 : 0;
    }
    echo "without hints or watermarks: $differ of 8 bells and lists differ\n";

    // Many dialogs, most of them with their newest messages deleted (list_number above the real
    // number) and some empty: pages of 1 to 12 read several batches of memberships.
    $many = [];
    for ($i = 0; $i < 40; $i++) {
        $many[] = $g = ebla_chat_dialog_open($pdo, $users['b'], [$users['c']], ['name' => "many$i"])['id'];
        if ($i % 5 === 4) {
            continue; // empty
        }
        ebla_chat_post($pdo, $users['b'], $g, "old $i");
    }
    foreach ($many as $i => $g) {
        if ($i % 5 !== 4) {
            $m = ebla_chat_post($pdo, $users['c'], $g, "new $i");
            ebla_chat_unread($pdo, $users['b']); // b catches up: list_number = the new message
            if ($i % 3 !== 0) {
                ebla_chat_message_delete($pdo, $users['c'], $m['id']);
            }
        }
    }
    $pdo->exec("UPDATE dialog SET deleted = TRUE WHERE id IN ('{$many[7]}', '{$many[9]}')"); // deleted behind the engine's back
    $differ = 0;
    foreach ([1, 3, 5, 12, 50] as $limit) {
        $differ += ec_list_differs($pdo, $users['b'], $limit) ? 1 : 0;
        $differ += ec_list_differs($pdo, $users['c'], $limit) ? 1 : 0;
    }
    // list_number above the real number is what a delete leaves; above by far, the page must still
    // come out exact (unless a catch-up already brought them down again).
    $pdo->exec("UPDATE dialog_user SET list_number = list_number * 7 + 100 WHERE list_number > 0");
    foreach ([1, 3, 5, 12, 50] as $limit) {
        $differ += ec_list_differs($pdo, $users['b'], $limit) ? 1 : 0;
    }
    echo "after deletes of the newest messages: $differ of 15 pages differ\n";

    // The list's count, kept per reader: 80 groups joined, 70 left, 10 joined again.
    $groups = [];
    for ($i = 0; $i < 80; $i++) {
        $groups[] = ebla_chat_dialog_open($pdo, $users['a'], [$users['d'], $users['b']], ['name' => "k$i"])['id'];
    }
    $differ = ec_list_differs($pdo, $users['d'], 10) ? 1 : 0;
    foreach (array_slice($groups, 0, 70) as $g) {
        ebla_chat_dialog_members($pdo, $users['a'], $g, [], [$users['d']]);
    }
    $differ += ec_list_differs($pdo, $users['d'], 10) ? 1 : 0;
    foreach (array_slice($groups, 0, 10) as $g) {
        ebla_chat_dialog_members($pdo, $users['a'], $g, [$users['d']]);
    }
    $differ += ec_list_differs($pdo, $users['d'], 10) ? 1 : 0;
    $counted = ec_scalar($pdo, 'SELECT dialog_count FROM dialog_reader WHERE id = ?', [$users['d']]);
    echo "the list's count after 80 joins, 70 leaves, 10 returns: $differ of 3 differ; ",
        $counted > 0 ? 'folded into the reader' : 'not folded', "\n";

    // Inside the caller's transaction: the full scan, the same answer.
    $pdo->beginTransaction();
    ebla_chat_post($pdo, $users['a'], $dialogs[0], 'in a transaction');
    $differ = ec_bell_differs($pdo, $users['b']) ? 1 : 0;
    $pdo->commit();
    $differ += ec_bell_differs($pdo, $users['b']) ? 1 : 0;
    echo "inside the caller's transaction and after its commit: $differ differ\n";
});

foreach (ec_backends() as $backend) {
    if ($backend === 'sqlite') {
        continue; // one writer at a time: a post cannot commit after a later one
    }
    // 2. A post drawn early and committed late (a caller's transaction) while a later post and a
    //    bell come in between: the bell must not move past it.
    $late = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($late, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($late);
    [$user, $pass] = ec_credentials($backend);
    $other = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    $reader = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    $a = ec_user($late, 'a');
    $b = ec_user($late, 'b');
    $c = ec_user($late, 'c');
    $d1 = ebla_chat_dialog_open($late, $a, [$b])['id'];
    $d2 = ebla_chat_dialog_open($late, $c, [$b])['id'];
    ebla_chat_unread($reader, $b);
    $late->beginTransaction();
    ebla_chat_post($late, $a, $d1, 'drawn first, committed last');
    ebla_chat_post($other, $c, $d2, 'drawn second, committed at once');
    $before = ebla_chat_unread($reader, $b);
    $late->commit();
    $after = ebla_chat_unread($reader, $b);
    printf("%s: late commit: before it b sees %d dialog(s), total %d; after it %d, total %d; %s\n", $backend,
        count($before['dialogs']), $before['total'], count($after['dialogs']), $after['total'],
        ec_bell_differs($reader, $b) ? 'DIFFERS from a full scan' : 'as a full scan');

    // 3. Writers and readers at once: 3 processes post, 2 read (bell, poll, mark read).
    $out = ec_race(5, <<<'PHP'
        $a = json_decode($argv[1], true);
        $pdo = new PDO($a['dsn'], $a['user'], $a['pass'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        mt_srand($a['worker']);
        ec_start($a);
        $n = 0;
        for ($i = 0; $i < 60; $i++) {
            $d = $a['dialogs'][mt_rand(0, count($a['dialogs']) - 1)];
            try {
                if ($a['worker'] < 3) {
                    ebla_chat_post($pdo, $a['authors'][$a['worker']], $d, "w{$a['worker']} $i");
                } else {
                    $r = $a['readers'][$a['worker'] - 3];
                    ebla_chat_unread($pdo, $r);
                    ebla_chat_poll($pdo, $r);
                    if (mt_rand(0, 2) === 0) {
                        ebla_chat_mark_read($pdo, $r, $d);
                    }
                }
                $n++;
            } catch (Throwable $e) {
                echo get_class($e), ': ', $e->getMessage(), "\n";
            }
        }
        echo "ok $n\n";
        PHP, ['dsn' => $dsn, 'user' => $user, 'pass' => $pass] + (function () use ($late, $a, $b, $c) {
            $x = ec_user($late, 'x');
            $y = ec_user($late, 'y');
            $dialogs = [];
            for ($i = 0; $i < 8; $i++) {
                $dialogs[] = ebla_chat_dialog_open($late, $a, [$b, $c, $x, $y], ['name' => "race$i"])['id'];
            }
            return ['dialogs' => $dialogs, 'authors' => [$a, $c, $x], 'readers' => [$b, $y]];
        })());
    $ok = count(array_filter($out, fn ($o) => trim($o) === 'ok 60'));
    $differ = 0;
    foreach ([$a, $b, $c] as $u) {
        $differ += ec_bell_differs($reader, $u) ? 1 : 0;
        $differ += ec_list_differs($reader, $u, 3) ? 1 : 0;
    }
    echo "$backend: race: $ok of 5 processes ran every call; afterwards $differ bells and lists differ from a full scan; ",
        ec_recount_line($late), "\n";
    foreach ($out as $o) {
        if (trim($o) !== 'ok 60') {
            echo "  ", trim($o), "\n";
        }
    }
    $late = $other = $reader = null;
}
?>
--EXPECT--
random writes: 1200 bells and polls compared with a full scan, 0 differ; hinted >= unread memberships
random writes: 1200 first pages of the dialog list (1 to 4 dialogs) compared with a full sort, 0 differ
without hints or watermarks: 0 of 8 bells and lists differ
after deletes of the newest messages: 0 of 15 pages differ
the list's count after 80 joins, 70 leaves, 10 returns: 0 of 3 differ; folded into the reader
inside the caller's transaction and after its commit: 0 differ
mysql: late commit: before it b sees 1 dialog(s), total 1; after it 2, total 2; as a full scan
mysql: race: 5 of 5 processes ran every call; afterwards 0 bells and lists differ from a full scan; counters exact
pgsql: late commit: before it b sees 1 dialog(s), total 1; after it 2, total 2; as a full scan
pgsql: race: 5 of 5 processes ran every call; afterwards 0 bells and lists differ from a full scan; counters exact

--TEST--
Unread: exact counts through posting, reading up to a number, deleting read and unread messages, editing, leaving and re-joining
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
ec_run(function (PDO $pdo) {
    $a = ec_user($pdo, 'ann');
    $b = ec_user($pdo, 'ben');
    $c = ec_user($pdo, 'cat');
    $g = ebla_chat_dialog_open($pdo, $a, [$b, $c], ['name' => 'G'])['id'];
    $dm = ebla_chat_dialog_open($pdo, $a, [$b])['id'];
    // Recount from the note table: live posts above the member's last read number.
    $recount = function (string $user, string $dialog) use ($pdo) {
        return (int) ec_scalar($pdo, 'SELECT COUNT(*) FROM note n JOIN dialog_user du ON du.dialog_id = n.parent_id AND du.user_id = ? AND du.deleted = FALSE
            WHERE n.parent_id = ? AND n.parent_type = \'Dialog\' AND n.deleted = FALSE AND n.`number` > du.last_read_number', [$user, $dialog]);
    };
    $show = function (string $label) use ($pdo, $a, $b, $c, $g, $recount) {
        $parts = [];
        foreach (['ann' => $a, 'ben' => $b, 'cat' => $c] as $n => $u) {
            $row = null;
            try { $row = ebla_chat_dialog_get($pdo, $u, $g); } catch (EblaChat\ForbiddenException $e) {}
            $n2 = $row ? $row['unread'] : '-';
            $check = $row && $row['unread'] !== $recount($u, $g) ? '(RECOUNT ' . $recount($u, $g) . ')' : '';
            $parts[] = "$n=$n2$check/" . ebla_chat_unread($pdo, $u)['total'];
        }
        printf("%-34s %s\n", $label, implode(' ', $parts));
    };
    $show('start (dialog/bell)');
    $m1 = ebla_chat_post($pdo, $a, $g, 'one');
    $m2 = ebla_chat_post($pdo, $a, $g, 'two');
    $show('ann posted 2');
    ebla_chat_post($pdo, $b, $dm, 'dm');
    $show('ben wrote ann directly');
    $m3 = ebla_chat_post($pdo, $b, $g, 'three');
    $show('ben posted (reads all for ben)');
    echo "mark_read ann up to m2 -> ", ebla_chat_mark_read($pdo, $a, $g, $m2['number']), "\n";
    echo "mark_read cat up to m1 -> ", ebla_chat_mark_read($pdo, $c, $g, $m1['number']), "\n";
    echo "mark_read cat backwards -> ", ebla_chat_mark_read($pdo, $c, $g, 0), "\n";
    $show('after partial reads');
    ebla_chat_message_delete($pdo, $a, $m1['id']);
    $show('deleted m1 (read by all)');
    ebla_chat_message_delete($pdo, $b, $m3['id']);
    $show('deleted m3 (unread for ann, cat)');
    ebla_chat_message_edit($pdo, $a, $m2['id'], 'two!');
    $show('edited m2');
    ebla_chat_dialog_members($pdo, $c, $g, [], [$c]);
    ebla_chat_post($pdo, $a, $g, 'four');
    $show('cat left, ann posted');
    ebla_chat_dialog_members($pdo, $a, $g, [$c]);
    $show('cat re-joined');
    ebla_chat_post($pdo, $b, $g, 'five');
    ebla_chat_post($pdo, $b, $g, 'six');
    $show('ben posted 2');
    echo "mark_read cat (all) -> ", ebla_chat_mark_read($pdo, $c, $g), ", beyond the last -> ", ebla_chat_mark_read($pdo, $c, $g, PHP_INT_MAX), "\n";
    $show('cat read all');
    foreach ($pdo->query('SELECT read_count, message_count FROM dialog_user du JOIN dialog d ON d.id = du.dialog_id') as $row) {
        if ($row[0] < 0 || $row[0] > $row[1]) { echo "COUNTER OUT OF RANGE\n"; }
    }
    $u = ebla_chat_unread($pdo, $a);
    echo "ann's unread: total={$u['total']} dialogs=", count($u['dialogs']), "\n";
    echo "-- errors\n";
    ec_throws(fn() => ebla_chat_mark_read($pdo, $a, $g, -1));
    ec_throws(fn() => ebla_chat_mark_read($pdo, ec_user($pdo, 'dan'), $g));
    ec_throws(fn() => ebla_chat_mark_read($pdo, $a, 'nosuchdialog00000'));
    ec_throws(fn() => ebla_chat_unread($pdo, 'nosuchuser0000000'));
});
?>
--EXPECT--
start (dialog/bell)                ann=0/0 ben=0/0 cat=0/0
ann posted 2                       ann=0/0 ben=2/2 cat=2/2
ben wrote ann directly             ann=0/1 ben=2/2 cat=2/2
ben posted (reads all for ben)     ann=1/2 ben=0/0 cat=3/3
mark_read ann up to m2 -> 1
mark_read cat up to m1 -> 2
mark_read cat backwards -> 2
after partial reads                ann=1/2 ben=0/0 cat=2/2
deleted m1 (read by all)           ann=1/2 ben=0/0 cat=2/2
deleted m3 (unread for ann, cat)   ann=0/1 ben=0/0 cat=1/1
edited m2                          ann=0/1 ben=0/0 cat=1/1
cat left, ann posted               ann=0/1 ben=1/1 cat=-/0
cat re-joined                      ann=0/1 ben=1/1 cat=0/0
ben posted 2                       ann=2/3 ben=0/0 cat=2/2
mark_read cat (all) -> 0, beyond the last -> 0
cat read all                       ann=2/3 ben=0/0 cat=0/0
ann's unread: total=3 dialogs=2
-- errors
EblaChat\BadRequestException: upToNumber must be a message number (>= 0), -1 given
EblaChat\ForbiddenException: You are not a member of dialog <id>
EblaChat\NotFoundException: Dialog nosuchdialog00000 not found
EblaChat\NotFoundException: User nosuchuser0000000 not found

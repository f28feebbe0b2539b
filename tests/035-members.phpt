--TEST--
Dialogs: adding, removing, leaving and re-joining group members; direct dialogs never change
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
ec_run(function (PDO $pdo) {
    $u = [];
    foreach (['owner', 'ann', 'ben', 'cid', 'dee'] as $n) {
        $u[$n] = ec_user($pdo, $n);
    }
    $names = array_flip($u);
    $members = fn(array $row) => implode(',', array_map(fn($id) => $names[$id], $row['memberIds']));
    $g = ebla_chat_dialog_open($pdo, $u['owner'], [$u['ann'], $u['ben']], ['name' => 'G'])['id'];
    ebla_chat_post($pdo, $u['owner'], $g, 'before cid joined');
    $row = ebla_chat_dialog_members($pdo, $u['owner'], $g, [$u['cid'], $u['dee']]);
    echo "added: ", $members($row), "\n";
    echo "new member starts read: ", ebla_chat_dialog_get($pdo, $u['cid'], $g)['unread'], "\n";
    echo "re-adding is a no-op: ", $members(ebla_chat_dialog_members($pdo, $u['owner'], $g, [$u['cid']])), "\n";
    $row = ebla_chat_dialog_members($pdo, $u['owner'], $g, [], [$u['dee']]);
    echo "removed: ", $members($row), "\n";
    ec_throws(fn() => ebla_chat_dialog_get($pdo, $u['dee'], $g));
    ec_throws(fn() => ebla_chat_post($pdo, $u['dee'], $g, 'still here?'));
    $row = ebla_chat_dialog_members($pdo, $u['ben'], $g, [], [$u['ben']]);
    echo "ben left: ", $members($row), " (sees unread=", $row['unread'], ")\n";
    ec_throws(fn() => ebla_chat_dialog_members($pdo, $u['ann'], $g, [], [$u['cid']]));
    ebla_chat_post($pdo, $u['ann'], $g, 'while dee was away');
    $row = ebla_chat_dialog_members($pdo, $u['owner'], $g, [$u['dee']]);
    echo "dee re-joined: ", $members($row), ", unread for dee=", ebla_chat_dialog_get($pdo, $u['dee'], $g)['unread'],
        ", membership rows for dee=", ec_scalar($pdo, 'SELECT COUNT(*) FROM dialog_user WHERE dialog_id = ? AND user_id = ?', [$g, $u['dee']]), "\n";
    echo "-- errors\n";
    $direct = ebla_chat_dialog_open($pdo, $u['ann'], [$u['ben']])['id'];
    ec_throws(fn() => ebla_chat_dialog_members($pdo, $u['ann'], $direct, [$u['cid']]));
    ec_throws(fn() => ebla_chat_dialog_members($pdo, $u['ann'], $direct, [], [$u['ann']]));
    ec_throws(fn() => ebla_chat_dialog_members($pdo, $u['owner'], $g, [$u['ann']], [$u['ann']]));
    ec_throws(fn() => ebla_chat_dialog_members($pdo, $u['owner'], $g, [$u['owner']]));
    ec_throws(fn() => ebla_chat_dialog_members($pdo, $u['owner'], $g, ['nosuchuser0000000']));
    ec_throws(fn() => ebla_chat_dialog_members($pdo, $u['owner'], $g, ['bad id']));
    ec_throws(fn() => ebla_chat_dialog_members($pdo, $u['ben'], $g, [$u['ben']]));
    ec_throws(fn() => ebla_chat_dialog_members($pdo, $u['owner'], 'nosuchdialog00000', [$u['ben']]));
    echo "members now: ", $members(ebla_chat_dialog_get($pdo, $u['owner'], $g)), "\n";
});
?>
--EXPECT--
added: owner,ann,ben,cid,dee
new member starts read: 0
re-adding is a no-op: owner,ann,ben,cid,dee
removed: owner,ann,ben,cid
EblaChat\ForbiddenException: You are not a member of dialog <id>
EblaChat\ForbiddenException: You are not a member of dialog <id>
ben left: owner,ann,cid (sees unread=0)
EblaChat\ForbiddenException: Only the creator of dialog <id> or an admin may remove other members
dee re-joined: owner,ann,cid,dee, unread for dee=0, membership rows for dee=1
-- errors
EblaChat\BadRequestException: Members of a direct dialog cannot change; open a group dialog instead
EblaChat\BadRequestException: Members of a direct dialog cannot change; open a group dialog instead
EblaChat\BadRequestException: A user cannot be added and removed at once
EblaChat\BadRequestException: You cannot add yourself to a dialog
EblaChat\NotFoundException: User not found
EblaChat\BadRequestException: add is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\BadRequestException: You cannot add yourself to a dialog
EblaChat\NotFoundException: Dialog nosuchdialog00000 not found
members now: owner,ann,cid,dee

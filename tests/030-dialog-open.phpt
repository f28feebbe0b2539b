--TEST--
Dialogs: direct dialogs are unique per pair (and per parent record), group dialogs, the chat button, bad input
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
ec_run(function (PDO $pdo) {
    $anna = ec_user($pdo, 'anna');
    $bob = ec_user($pdo, 'bob', 'regular', ['firstName' => 'Bob', 'lastName' => 'Builder']);
    $carl = ec_user($pdo, 'carl');

    $d = ebla_chat_dialog_open($pdo, $anna, [$bob]);
    echo "direct: {$d['type']} name={$d['name']} members=", count($d['memberIds']), " unread={$d['unread']} last=", var_export($d['lastMessage'], true), "\n";
    echo "same pair again: ", var_export(ebla_chat_dialog_open($pdo, $bob, [$anna])['id'] === $d['id'], true), "\n";
    echo "actor listed too: ", var_export(ebla_chat_dialog_open($pdo, $anna, [$anna, $bob, $bob])['id'] === $d['id'], true), "\n";
    echo "direct_key: ", ec_scalar($pdo, 'SELECT direct_key FROM dialog WHERE id = ?', [$d['id']]) === implode('|', [min($anna, $bob), max($anna, $bob)]) ? 'sorted pair' : 'wrong', "\n";

    // The chat button: one member plus a parent record opens (or reuses) the dialog of that record.
    $case = ebla_chat_generate_id();
    $c1 = ebla_chat_dialog_open($pdo, $anna, [$bob], ['parentType' => 'Case', 'parentId' => $case]);
    $c2 = ebla_chat_dialog_open($pdo, $bob, [$anna], ['parentType' => 'Case', 'parentId' => $case]);
    echo "case dialog: ", $c1['type'], ' ', $c1['parentType'], ' ', var_export($c1['parentId'] === $case, true),
        ' reused=', var_export($c1['id'] === $c2['id'], true), ' differs from plain=', var_export($c1['id'] !== $d['id'], true), "\n";

    $g = ebla_chat_dialog_open($pdo, $anna, [$bob, $carl], ['name' => 'Launch team']);
    echo "group: {$g['type']} {$g['name']} members=", count($g['memberIds']), " createdBy=", var_export($g['createdById'] === $anna, true), "\n";
    $g2 = ebla_chat_dialog_open($pdo, $anna, [$bob], ['type' => 'group']);
    echo "group of two: {$g2['type']} name=", var_export($g2['name'], true), " new=", var_export($g2['id'] !== $d['id'], true), "\n";
    $get = ebla_chat_dialog_get($pdo, $carl, $g['id']);
    echo "get: ", $get['name'], ' ', implode(',', array_keys($get)), "\n";
    echo "rows: ", ec_scalar($pdo, 'SELECT COUNT(*) FROM dialog'), " dialogs, ", ec_scalar($pdo, 'SELECT COUNT(*) FROM dialog_user'), " memberships\n";

    echo "-- errors\n";
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $anna, []));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $anna, [$anna]));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $anna, [$bob, $carl], ['type' => 'direct']));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $anna, [$bob], ['type' => 'direct', 'name' => 'x']));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $anna, [$bob], ['type' => 'channel']));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $anna, [$bob], ['parentType' => 'Case']));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $anna, [$bob], ['parentType' => 'case; DROP', 'parentId' => 'x']));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $anna, [$bob], ['colour' => 'red']));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $anna, [$bob], ['name' => "bad\xC3("]));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $anna, [$bob], ['name' => str_repeat('n', 256)]));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $anna, ["'; DROP TABLE note; --"]));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $anna, [42]));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $anna, ['nosuchuser00000000']));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, 'nosuchuser00000000', [$bob]));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, '', [$bob]));
    ec_throws(fn() => ebla_chat_dialog_get($pdo, $anna, 'nosuchdialog00000'));
    ec_throws(fn() => ebla_chat_dialog_get($pdo, $anna, $g2['id'] . 'x'));
    $outsider = ec_user($pdo, 'olga');
    ec_throws(fn() => ebla_chat_dialog_get($pdo, $outsider, $g['id']));
    $admin = ec_user($pdo, 'admin', 'admin');
    echo "admin reads any dialog: ", ebla_chat_dialog_get($pdo, $admin, $g['id'])['name'], "\n";
    echo "nothing half-written: ", ec_scalar($pdo, 'SELECT COUNT(*) FROM dialog'), " dialogs\n";
});
?>
--EXPECT--
direct: direct name=Bob Builder members=2 unread=0 last=NULL
same pair again: true
actor listed too: true
direct_key: sorted pair
case dialog: direct Case true reused=true differs from plain=true
group: group Launch team members=3 createdBy=true
group of two: group name=NULL new=true
get: Launch team id,name,type,parentType,parentId,memberIds,unread,mentions,muted,lastMessage,lastMessageAt,createdAt,createdById
rows: 4 dialogs, 9 memberships
-- errors
EblaChat\BadRequestException: A dialog needs at least one member besides the actor
EblaChat\BadRequestException: A dialog needs at least one member besides the actor
EblaChat\BadRequestException: A direct dialog has exactly one other member and no name
EblaChat\BadRequestException: A direct dialog has exactly one other member and no name
EblaChat\BadRequestException: Option "type" must be "direct" or "group"
EblaChat\BadRequestException: Options "parentType" and "parentId" go together
EblaChat\BadRequestException: Option "parentType" must be an entity type such as "Case"
EblaChat\BadRequestException: Unknown option "colour"; known options: name, parentType, parentId, type, acl
EblaChat\BadRequestException: Option "name" is not valid UTF-8 (at byte offset 3)
EblaChat\BadRequestException: Option "name" is longer than 255 bytes
EblaChat\BadRequestException: memberIds is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\BadRequestException: memberIds is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\NotFoundException: User not found
EblaChat\NotFoundException: User nosuchuser00000000 not found
EblaChat\BadRequestException: actorId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\NotFoundException: Dialog nosuchdialog00000 not found
EblaChat\NotFoundException: Dialog <id>x not found
EblaChat\ForbiddenException: You are not a member of dialog <id>
admin reads any dialog: Launch team
nothing half-written: 4 dialogs

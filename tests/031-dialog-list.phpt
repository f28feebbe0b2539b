--TEST--
Dialogs: the list is ordered by last activity, paginated, filtered by parent record and unread
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
ec_run(function (PDO $pdo) {
    $me = ec_user($pdo, 'me');
    $names = [];
    $others = [];
    foreach (['ada', 'ben', 'cy', 'dot', 'eve'] as $n) {
        $others[$n] = ec_user($pdo, $n);
    }
    $case = 'case0000000000001';
    $dialogs = [];
    foreach ($others as $n => $id) {
        $dialogs[$n] = ebla_chat_dialog_open($pdo, $me, [$id])['id'];
    }
    $onCase = ebla_chat_dialog_open($pdo, $me, [$others['ada']], ['parentType' => 'Case', 'parentId' => $case])['id'];
    // Activity: cy, then ada, then the case dialog; ben, dot, eve stay silent (newest first after the rest).
    ebla_chat_post($pdo, $others['cy'], $dialogs['cy'], 'one');
    ebla_chat_post($pdo, $others['ada'], $dialogs['ada'], 'two');
    ebla_chat_post($pdo, $me, $onCase, 'three');
    $show = function (array $r) use ($dialogs, $onCase) {
        $byId = array_flip($dialogs) + [$onCase => 'case'];
        return $r['total'] . ': ' . implode(' ', array_map(fn($d) => $byId[$d['id']] . ($d['unread'] ? "({$d['unread']})" : ''), $r['list']));
    };
    echo "all     ", $show(ebla_chat_dialog_list($pdo, $me)), "\n";
    echo "page 1  ", $show(ebla_chat_dialog_list($pdo, $me, ['limit' => 2])), "\n";
    echo "page 2  ", $show(ebla_chat_dialog_list($pdo, $me, ['limit' => 2, 'offset' => 2])), "\n";
    echo "strings ", $show(ebla_chat_dialog_list($pdo, $me, ['limit' => '2', 'offset' => '4'])), "\n";
    echo "unread  ", $show(ebla_chat_dialog_list($pdo, $me, ['unreadOnly' => true])), "\n";
    echo "case    ", $show(ebla_chat_dialog_list($pdo, $me, ['parentType' => 'Case', 'parentId' => $case])), "\n";
    echo "ada's   ", $show(ebla_chat_dialog_list($pdo, $others['ada'])), "\n";
    $row = ebla_chat_dialog_list($pdo, $me)['list'][0];
    echo "lastMessage: ", $row['lastMessage']['text'], ' by ', $row['lastMessage']['authorName'], ' at==', var_export($row['lastMessageAt'] === $row['lastMessage']['createdAt'], true), "\n";
    echo "-- errors\n";
    ec_throws(fn() => ebla_chat_dialog_list($pdo, $me, ['limit' => 0]));
    ec_throws(fn() => ebla_chat_dialog_list($pdo, $me, ['limit' => 201]));
    ec_throws(fn() => ebla_chat_dialog_list($pdo, $me, ['offset' => -1]));
    ec_throws(fn() => ebla_chat_dialog_list($pdo, $me, ['limit' => 'ten']));
    ec_throws(fn() => ebla_chat_dialog_list($pdo, $me, ['unreadOnly' => 'maybe']));
    ec_throws(fn() => ebla_chat_dialog_list($pdo, $me, ['parentId' => $case]));
    ec_throws(fn() => ebla_chat_dialog_list($pdo, $me, ['order' => 'asc']));
});
?>
--EXPECT--
all     6: case ada(1) cy(1) eve dot ben
page 1  6: case ada(1)
page 2  6: cy(1) eve
strings 6: dot ben
unread  2: ada(1) cy(1)
case    1: case
ada's   2: case(1) ada
lastMessage: three by Me Test at==true
-- errors
EblaChat\BadRequestException: Option "limit" must be between 1 and 200, 0 given
EblaChat\BadRequestException: Option "limit" must be between 1 and 200, 201 given
EblaChat\BadRequestException: Option "offset" must be between 0 and 9223372036854775807, -1 given
EblaChat\BadRequestException: Option "limit" must be an integer
EblaChat\BadRequestException: Option "unreadOnly" must be a boolean
EblaChat\BadRequestException: Options "parentType" and "parentId" go together
EblaChat\BadRequestException: Unknown option "order"; known options: limit, offset, parentType, parentId, unreadOnly, acl

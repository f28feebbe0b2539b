--TEST--
Messages: edit and delete own messages (admins may delete), soft delete out of history and lastMessage
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
ec_run(function (PDO $pdo) {
    $anna = ec_user($pdo, 'anna');
    $bob = ec_user($pdo, 'bob');
    $admin = ec_user($pdo, 'boss', 'admin');
    $d = ebla_chat_dialog_open($pdo, $anna, [$bob])['id'];
    $m1 = ebla_chat_post($pdo, $anna, $d, 'first');
    $m2 = ebla_chat_post($pdo, $bob, $d, 'second');
    $e = ebla_chat_message_edit($pdo, $bob, $m2['id'], 'second, edited @anna');
    echo "edited: ", $e['text'], ' edited=', var_export($e['edited'], true), ' mentions=', count($e['mentions']), ' same number=', var_export($e['number'] === $m2['number'], true), "\n";
    echo "modified_by_id set: ", var_export(ec_scalar($pdo, 'SELECT modified_by_id FROM note WHERE id = ?', [$m2['id']]) === $bob, true), "\n";
    echo "unedited stays: ", var_export(ebla_chat_messages($pdo, $bob, $d)[1]['edited'], true), "\n";
    ec_throws(fn() => ebla_chat_message_edit($pdo, $anna, $m2['id'], 'not mine'));
    ec_throws(fn() => ebla_chat_message_edit($pdo, $admin, $m2['id'], 'admins do not edit'));
    ec_throws(fn() => ebla_chat_message_edit($pdo, $bob, $m2['id'], ''));
    ec_throws(fn() => ebla_chat_message_edit($pdo, $bob, $m2['id'], "\xFF"));
    ec_throws(fn() => ebla_chat_message_edit($pdo, $bob, 'nosuchmessage0000', 'x'));
    ec_throws(fn() => ebla_chat_message_delete($pdo, $anna, $m2['id']));

    ebla_chat_message_delete($pdo, $bob, $m2['id']);
    echo "after delete: history=", implode(',', array_column(ebla_chat_messages($pdo, $anna, $d), 'text')),
        ' last=', ebla_chat_dialog_get($pdo, $anna, $d)['lastMessage']['text'],
        ' soft=', ec_scalar($pdo, 'SELECT COUNT(*) FROM note WHERE id = ? AND deleted = TRUE', [$m2['id']]), "\n";
    ec_throws(fn() => ebla_chat_message_delete($pdo, $bob, $m2['id']));
    ec_throws(fn() => ebla_chat_message_edit($pdo, $bob, $m2['id'], 'gone'));
    ebla_chat_message_delete($pdo, $admin, $m1['id']);
    $row = ebla_chat_dialog_get($pdo, $anna, $d);
    echo "admin deleted the last one: last=", var_export($row['lastMessage'], true), ' lastMessageAt=', var_export($row['lastMessageAt'], true),
        ' message_count=', ec_scalar($pdo, 'SELECT message_count FROM dialog WHERE id = ?', [$d]), "\n";
    $f = ec_attachment($pdo, $anna, 'x.pdf', 'application/pdf');
    $m3 = ebla_chat_post($pdo, $anna, $d, 'with file', [$f]);
    echo "text may be emptied when files remain: ", var_export(ebla_chat_message_edit($pdo, $anna, $m3['id'], '')['text'], true), "\n";
});
?>
--EXPECT--
edited: second, edited @anna edited=true mentions=1 same number=true
modified_by_id set: true
unedited stays: false
EblaChat\ForbiddenException: Only the author may edit message <id>
EblaChat\ForbiddenException: Only the author may edit message <id>
EblaChat\BadRequestException: A message needs text or at least one attachment
EblaChat\BadRequestException: Message text is not valid UTF-8 (at byte offset 0)
EblaChat\NotFoundException: Message nosuchmessage0000 not found
EblaChat\ForbiddenException: Only the author or an admin may delete message <id>
after delete: history=first last=first soft=1
EblaChat\NotFoundException: Message <id> not found
EblaChat\NotFoundException: Message <id> not found
admin deleted the last one: last=NULL lastMessageAt=NULL message_count=0
text may be emptied when files remain: ''

--TEST--
Messages: a post is a note row exactly as EspoCRM writes it; attachments, voice, mentions, and every bad input
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
ebla_chat.max_message_length=100
ebla_chat.max_attachments=3
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
ec_run(function (PDO $pdo) {
    $anna = ec_user($pdo, 'anna');
    $bob = ec_user($pdo, 'bob.smith', 'regular', ['firstName' => 'Bob', 'lastName' => 'Smith']);
    $carl = ec_user($pdo, 'carl');
    $d = ebla_chat_dialog_open($pdo, $anna, [$bob, $carl], ['name' => 'Ops']);
    $before = gmdate('Y-m-d H:i:s');

    $m = ebla_chat_post($pdo, $anna, $d['id'], "Hi @bob.smith and @carl. Ünïcödé ✓ \"quotes\" \\ / <b>");
    echo "row: ", json_encode(array_diff_key($m, ['id' => 1, 'dialogId' => 1, 'authorId' => 1, 'createdAt' => 1, 'modifiedAt' => 1, 'mentions' => 1]), JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
    echo "mentions: ", json_encode($m['mentions'] === [$bob, $carl] || $m['mentions'] === [$carl, $bob]), "\n";
    $q = $pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'mysql' ? '`' : '"';
    $note = $pdo->query("SELECT * FROM note WHERE id = " . $pdo->quote($m['id']))->fetch(PDO::FETCH_ASSOC);
    foreach (['deleted', 'type', 'target_type', 'is_global', 'is_internal', 'is_pinned', 'parent_type', 'related_id', 'related_type',
              'modified_by_id', 'super_parent_id', 'super_parent_type'] as $col) {
        $v = $note[$col];
        echo "  $col=", var_export(is_bool($v) || (is_string($v) && ctype_digit($v)) ? (int) $v : $v, true), "\n";
    }
    echo "  parent_id ok: ", var_export($note['parent_id'] === $d['id'], true), ", created_by_id ok: ", var_export($note['created_by_id'] === $anna, true), "\n";
    echo "  created_at = modified_at: ", var_export($note['created_at'] === $note['modified_at'], true), ", UTC now: ", var_export($note['created_at'] >= $before && $note['created_at'] <= gmdate('Y-m-d H:i:s'), true), "\n";
    echo "  number = ", var_export((int) $note['number'] === $m['number'], true), "\n";
    echo "  data: ", $note['data'] === json_encode(json_decode($note['data']), JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES) ? 'EspoCRM JSON' : 'other', "\n";
    $data = json_decode($note['data'], true);
    echo "  data.mentions: ", implode(', ', array_keys($data['mentions'])), ' -> ', $data['mentions']['@bob.smith']['name'], ' ', $data['mentions']['@bob.smith']['_scope'], "\n";
    echo "  post verbatim: ", var_export($note['post'] === $m['text'], true), "\n";

    $plain = ebla_chat_post($pdo, $bob, $d['id'], "'; DROP TABLE note; --");
    echo "injection stored verbatim: ", var_export($plain['text'], true), ", data=", ec_scalar($pdo, 'SELECT data FROM note WHERE id = ?', [$plain['id']]), "\n";

    $f1 = ec_attachment($pdo, $anna, 'report.pdf', 'application/pdf', 5000);
    $f2 = ec_attachment($pdo, $anna, 'photo.png', 'image/png', 300);
    $withFiles = ebla_chat_post($pdo, $anna, $d['id'], '', [$f1, $f2]);
    echo "files: ", json_encode(array_map(fn($a) => [$a['name'], $a['type'], $a['size']], $withFiles['attachments'])), "\n";
    $att = $pdo->query("SELECT parent_id, parent_type, field FROM attachment WHERE id = " . $pdo->quote($f1))->fetch(PDO::FETCH_NUM);
    echo "attachment re-parented: ", var_export($att === [$withFiles['id'], 'Note', 'attachments'], true), "\n";

    $ogg = ec_attachment($pdo, $bob, 'voice.ogg', 'audio/ogg', 4000);
    $voice = ebla_chat_post($pdo, $bob, $d['id'], '', [$ogg], ['voice' => true]);
    echo "voice: ", var_export($voice['voice'], true), ' data=', ec_scalar($pdo, 'SELECT data FROM note WHERE id = ?', [$voice['id']]), "\n";
    echo "numbers increase: ", var_export($m['number'] < $plain['number'] && $plain['number'] < $withFiles['number'] && $withFiles['number'] < $voice['number'], true), "\n";

    echo "-- errors\n";
    $count = fn() => ec_scalar($pdo, 'SELECT COUNT(*) FROM note') . ' notes, message_count=' . ec_scalar($pdo, 'SELECT message_count FROM dialog WHERE id = ?', [$d['id']]);
    echo $count(), "\n";
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], ''));
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], str_repeat('x', 101)));
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], "bad \xFF byte"));
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], "overlong \xC0\xAF"));
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], "surrogate \xED\xA0\x80"));
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], "nul \0 byte"));
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], 'hi', [], ['silent' => true]));
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], 'hi', [], ['voice' => 'yes please']));
    ec_throws(fn() => ebla_chat_post($pdo, $anna, 'nosuchdialog00000', 'hi'));
    ec_throws(fn() => ebla_chat_post($pdo, $anna, 'bad id!', 'hi'));
    ec_throws(fn() => ebla_chat_post($pdo, ec_user($pdo, 'stranger'), $d['id'], 'hi'));
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], '', ['nosuchattachment1']));
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], '', [$ogg]));
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], '', [$f1]));
    $mine = ec_attachment($pdo, $anna, 'a.txt', 'text/plain');
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], 'x', [$mine], ['voice' => true]));
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], 'x', [$mine, ec_attachment($pdo, $anna, 'b.ogg', 'audio/ogg')], ['voice' => true]));
    ec_throws(fn() => ebla_chat_post($pdo, $anna, $d['id'], 'x', [$mine, ec_attachment($pdo, $anna, 'c', 'x/y'), ec_attachment($pdo, $anna, 'd', 'x/y'), ec_attachment($pdo, $anna, 'e', 'x/y')]));
    echo $count(), "\n";
    echo "unused attachment untouched: ", var_export(ec_scalar($pdo, 'SELECT parent_id FROM attachment WHERE id = ?', [$mine]), true), "\n";
});
?>
--EXPECT--
row: {"number":1,"authorName":"Anna Test","text":"Hi @bob.smith and @carl. Ünïcödé ✓ \"quotes\" \\ / <b>","edited":false,"voice":false,"attachments":[]}
mentions: true
  deleted=0
  type='Post'
  target_type=NULL
  is_global=0
  is_internal=0
  is_pinned=0
  parent_type='Dialog'
  related_id=NULL
  related_type=NULL
  modified_by_id=NULL
  super_parent_id=NULL
  super_parent_type=NULL
  parent_id ok: true, created_by_id ok: true
  created_at = modified_at: true, UTC now: true
  number = true
  data: EspoCRM JSON
  data.mentions: @bob.smith, @carl -> Bob Smith User
  post verbatim: true
injection stored verbatim: '\'; DROP TABLE note; --', data={}
files: [["report.pdf","application\/pdf",5000],["photo.png","image\/png",300]]
attachment re-parented: true
voice: true data={"voice":true}
numbers increase: true
-- errors
4 notes, message_count=4
EblaChat\BadRequestException: A message needs text or at least one attachment
EblaChat\BadRequestException: Message text is 101 bytes, more than ebla_chat.max_message_length (100)
EblaChat\BadRequestException: Message text is not valid UTF-8 (at byte offset 4)
EblaChat\BadRequestException: Message text is not valid UTF-8 (at byte offset 9)
EblaChat\BadRequestException: Message text is not valid UTF-8 (at byte offset 10)
EblaChat\BadRequestException: Message text contains a NUL byte at offset 4
EblaChat\BadRequestException: Unknown option "silent"; known options: voice, acl
EblaChat\BadRequestException: Option "voice" must be a boolean
EblaChat\NotFoundException: Dialog nosuchdialog00000 not found
EblaChat\BadRequestException: dialogId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\ForbiddenException: You are not a member of dialog <id>
EblaChat\BadRequestException: 1 of the 1 attachments do not exist
EblaChat\BadRequestException: Attachment <id> is not yours
EblaChat\BadRequestException: Attachment <id> is already used
EblaChat\BadRequestException: Attachment <id> is not audio: a voice message needs an audio/* attachment
EblaChat\BadRequestException: A voice message has exactly one attachment, 2 given
EblaChat\BadRequestException: 4 attachments given, more than ebla_chat.max_attachments (3)
4 notes, message_count=4
unused attachment untouched: NULL

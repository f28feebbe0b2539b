--TEST--
EBLA_CHAT_SCHEMA_CORE makes EspoCRM 8.4's own core tables and the chat tables exactly: columns, types, defaults, NOT NULL, indexes
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/schema.inc';
foreach (ec_backends() as $backend) {
    $ours = ec_fresh_pdo($backend);
    ebla_chat_schema($ours, EBLA_CHAT_SCHEMA_CORE);
    report($backend, 'core', ec_reference($backend, EC_CORE_TABLES), ec_describe($ours, $backend, EC_CORE_TABLES));
    report($backend, 'chat', ec_reference($backend, EC_CHAT_TABLES), ec_describe($ours, $backend, EC_CHAT_TABLES));
    if ($backend === 'sqlite') {
        echo "sqlite note.number trigger: ", $ours->query("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'note'")->fetchColumn(), "\n";
    } else {
        $espo = ec_reference_pdo($backend);
        // The chat on EspoCRM's own tables, loaded from the dump: nothing to add, and a message
        // with an attachment links it (attachment has no modified_at).
        echo "$backend schema on the dump: ", count(ebla_chat_schema($espo)), " statements\n";
        ec_baseline_role($espo);
        $ann = ec_user($espo, 'ann');
        $ben = ec_user($espo, 'ben');
        $d = ebla_chat_dialog_open($espo, $ann, [$ben])['id'];
        $m = ebla_chat_post($espo, $ann, $d, 'see attached', [ec_attachment($espo, $ann, 'a.pdf', 'application/pdf')]);
        echo "$backend post with attachment: ", count($m['attachments']), " attachment, linked to the note: ",
            ec_scalar($espo, 'SELECT COUNT(*) FROM attachment WHERE parent_id = ? AND parent_type = ?', [$m['id'], 'Note']), "\n";
        ini_restore('ebla_chat.baseline_role_id');
    }
    $tables = $backend === 'sqlite' ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        : 'SELECT table_name FROM information_schema.tables WHERE table_schema = ' . ($backend === 'mysql' ? 'DATABASE()' : 'current_schema()');
    $names = $ours->query($tables)->fetchAll(PDO::FETCH_COLUMN);
    sort($names);
    echo "$backend tables: ", implode(',', $names), "\n";
}
?>
--EXPECT--
sqlite core: 9 tables, 106 columns, 43 indexes: identical
sqlite chat: 3 tables, 32 columns, 11 indexes: identical
sqlite note.number trigger: 1
sqlite tables: attachment,dialog,dialog_reader,dialog_user,note,portal_user,role,role_team,role_user,team,team_user,user
mysql core: 9 tables, 106 columns, 53 indexes: identical
mysql chat: 3 tables, 32 columns, 14 indexes: identical
mysql schema on the dump: 0 statements
mysql post with attachment: 1 attachment, linked to the note: 1
mysql tables: attachment,dialog,dialog_reader,dialog_user,note,portal_user,role,role_team,role_user,team,team_user,user
pgsql core: 9 tables, 106 columns, 53 indexes: identical
pgsql chat: 3 tables, 32 columns, 14 indexes: identical
pgsql schema on the dump: 0 statements
pgsql post with attachment: 1 attachment, linked to the note: 1
pgsql tables: attachment,dialog,dialog_reader,dialog_user,note,portal_user,role,role_team,role_user,team,team_user,user

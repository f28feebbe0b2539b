--TEST--
ebla_chat_schema(): EspoCRM's core tables and the chat tables on every database, idempotent, missing columns added
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
foreach (ec_backends() as $backend) {
    $pdo = ec_fresh_pdo($backend);
    $ran = ebla_chat_schema($pdo);
    echo "$backend chat only: ", count($ran), " statements, tables: ", implode(',', array_filter(array_map(fn($s) => preg_match('/^CREATE TABLE [`"](\w+)/', $s, $m) ? $m[1] : '', $ran))), "\n";
    $ran = ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
    echo "$backend core: ", implode(',', array_filter(array_map(fn($s) => preg_match('/^CREATE TABLE [`"](\w+)/', $s, $m) ? $m[1] : '', $ran))), "\n";
    echo "$backend again: ", count(ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE)), " statements\n";
    $cols = function (string $table) use ($pdo, $backend) {
        $sql = $backend === 'sqlite' ? "SELECT name, type, \"notnull\", dflt_value FROM pragma_table_info('$table')"
            : "SELECT column_name, " . ($backend === 'mysql' ? 'column_type' : 'data_type') . ", is_nullable, column_default FROM information_schema.columns WHERE table_name = '$table' AND table_schema = " . ($backend === 'mysql' ? 'DATABASE()' : 'current_schema()') . " ORDER BY ordinal_position";
        return $pdo->query($sql)->fetchAll(PDO::FETCH_NUM);
    };
    if ($backend === 'mysql') {
        $byName = array_column($cols('note'), 1, 0);
        echo "mysql note: id={$byName['id']} post={$byName['post']} number={$byName['number']} is_pinned={$byName['is_pinned']} created_at={$byName['created_at']}\n";
        $idx = $pdo->query("SHOW INDEX FROM note")->fetchAll(PDO::FETCH_ASSOC);
        $names = array_unique(array_column($idx, 'Key_name'));
        sort($names);
        echo "mysql note indexes: ", implode(',', $names), "\n";
        $du = array_column($cols('dialog_user'), 1, 0);
        echo "mysql dialog_user: id={$du['id']} is_muted={$du['is_muted']} read_count={$du['read_count']}\n";
        echo "mysql charset: ", $pdo->query("SELECT CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'note' AND column_name = 'post'")->fetch(PDO::FETCH_NUM) === ['utf8mb4', 'utf8mb4_unicode_ci'] ? 'utf8mb4_unicode_ci' : 'other', "\n";
    }
    if ($backend === 'pgsql') {
        $byName = array_column($cols('note'), 1, 0);
        echo "pgsql note: deleted={$byName['deleted']} is_pinned={$byName['is_pinned']} number={$byName['number']} created_at={$byName['created_at']} post={$byName['post']}\n";
        $idx = $pdo->query("SELECT indexname FROM pg_indexes WHERE tablename = 'dialog' ORDER BY indexname")->fetchAll(PDO::FETCH_COLUMN);
        echo "pgsql dialog indexes: ", implode(',', $idx), "\n";
    }
    // A Dialog table made by an EspoCRM module from entityDefs lacks the counters: they are added.
    $pdo2 = ec_fresh_pdo($backend);
    $pdo2->exec($backend === 'mysql' ? 'CREATE TABLE dialog (id VARCHAR(24) NOT NULL PRIMARY KEY, name VARCHAR(255) NULL, deleted TINYINT(1) NULL DEFAULT 0)'
        : ($backend === 'pgsql' ? 'CREATE TABLE dialog (id VARCHAR(24) NOT NULL PRIMARY KEY, name VARCHAR(255) NULL, deleted BOOLEAN NULL DEFAULT FALSE)'
        : 'CREATE TABLE dialog (id VARCHAR(24) NOT NULL PRIMARY KEY, name VARCHAR(255) NULL, deleted TINYINT(1) NULL DEFAULT 0)'));
    $ran = ebla_chat_schema($pdo2);
    echo "$backend existing dialog: ", count(array_filter($ran, fn($s) => str_starts_with($s, 'ALTER TABLE'))), " columns added, ",
        count(array_filter($ran, fn($s) => str_contains($s, 'INDEX'))), " indexes, again: ", count(ebla_chat_schema($pdo2)), "\n";
}
ec_throws(fn() => ebla_chat_schema(new PDO('sqlite::memory:'), 4));
ec_throws(fn() => ebla_chat_schema(new PDO('sqlite::memory:'), 'core'));
?>
--EXPECT--
sqlite chat only: 14 statements, tables: dialog,dialog_user,dialog_reader
sqlite core: user,team,team_user,role,role_user,role_team,portal_user,note,attachment
sqlite again: 0 statements
sqlite existing dialog: 13 columns added, 11 indexes, again: 0
mysql chat only: 14 statements, tables: dialog,dialog_user,dialog_reader
mysql core: user,team,team_user,role,role_user,role_team,portal_user,note,attachment
mysql again: 0 statements
mysql note: id=varchar(17) post=mediumtext number=bigint(20) unsigned is_pinned=tinyint(1) created_at=datetime
mysql note indexes: IDX_CREATED_AT,IDX_CREATED_BY_ID,IDX_CREATED_BY_NUMBER,IDX_MODIFIED_BY_ID,IDX_PARENT,IDX_PARENT_ID,IDX_PARENT_TYPE,IDX_RELATED,IDX_RELATED_ID,IDX_RELATED_TYPE,IDX_SUPER_PARENT,IDX_SUPER_PARENT_ID,IDX_SUPER_PARENT_TYPE,IDX_SYSTEM_FULL_TEXT_SEARCH,IDX_TARGET_TYPE,IDX_TYPE,PRIMARY,UNIQ_NUMBER
mysql dialog_user: id=bigint(20) is_muted=tinyint(1) read_count=bigint(20)
mysql charset: utf8mb4_unicode_ci
mysql existing dialog: 13 columns added, 11 indexes, again: 0
pgsql chat only: 14 statements, tables: dialog,dialog_user,dialog_reader
pgsql core: user,team,team_user,role,role_user,role_team,portal_user,note,attachment
pgsql again: 0 statements
pgsql note: deleted=boolean is_pinned=boolean number=bigint created_at=timestamp without time zone post=text
pgsql dialog indexes: dialog_pkey,idx_dialog_activity,idx_dialog_created_by_id,idx_dialog_deleted,idx_dialog_modified_by_id,idx_dialog_parent,uniq_dialog_direct_key
pgsql existing dialog: 13 columns added, 11 indexes, again: 0
EblaChat\BadRequestException: Unknown schema flags 4: use 0 or EBLA_CHAT_SCHEMA_CORE
TypeError (not EblaChat\Exception): ebla_chat_schema(): Argument #2 ($flags) must be of type int, string given

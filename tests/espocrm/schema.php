<?php
/*
 * The chat's two tables as the engine needs them (column type, NULL or NOT NULL, default; the
 * indexes), and readers of a live database (MySQL/MariaDB, PostgreSQL) in the same canonical
 * shape. Used by the static metadata check and by the end-to-end suite.
 */

/** @return array<string, array{columns: array<string, array{type: string, null: bool, default: ?string}>, indexes: list<array{unique: bool, columns: string}>}> */
function chatSchemaExpected(): array
{
    $fk = ['type' => 'varchar', 'null' => true, 'default' => null];
    $dt = ['type' => 'datetime', 'null' => true, 'default' => null];
    $counter = ['type' => 'bigint', 'null' => false, 'default' => '0'];

    return [
        'dialog' => [
            'columns' => [
                'id' => ['type' => 'varchar', 'null' => false, 'default' => null],
                'name' => ['type' => 'varchar', 'null' => true, 'default' => null, 'length' => 255],
                'deleted' => ['type' => 'bool', 'null' => true, 'default' => '0'],
                'type' => ['type' => 'varchar', 'null' => true, 'default' => 'Direct', 'length' => 16],
                'direct_key' => ['type' => 'varchar', 'null' => true, 'default' => null, 'length' => 255],
                'parent_id' => $fk,
                'parent_type' => ['type' => 'varchar', 'null' => true, 'default' => null, 'length' => 100],
                'created_at' => $dt,
                'modified_at' => $dt,
                'created_by_id' => $fk,
                'modified_by_id' => $fk,
                'last_message_at' => $dt,
                'last_message_id' => $fk,
                'last_message_number' => $counter,
                'message_count' => $counter,
                'activity' => $counter,
            ],
            'indexes' => [
                ['unique' => true, 'columns' => 'direct_key'],
                ['unique' => false, 'columns' => 'parent_id,parent_type'],
                ['unique' => false, 'columns' => 'activity'],
                ['unique' => false, 'columns' => 'deleted'],
            ],
        ],
        'dialog_user' => [
            'columns' => [
                'id' => ['type' => 'bigint', 'null' => false, 'default' => null],
                'dialog_id' => $fk,
                'user_id' => $fk,
                'deleted' => ['type' => 'bool', 'null' => true, 'default' => '0'],
                'read_count' => $counter,
                'last_read_number' => $counter,
                'notified_number' => $counter,
                'mention_count' => ['type' => 'int', 'null' => false, 'default' => '0'],
                'is_muted' => ['type' => 'bool', 'null' => false, 'default' => '0'],
                'joined_at' => $dt,
                'unread_hint' => ['type' => 'bool', 'null' => false, 'default' => '0'],
                'list_number' => $counter,
                'counted' => ['type' => 'bool', 'null' => false, 'default' => '0'],
            ],
            'indexes' => [
                ['unique' => true, 'columns' => 'user_id,dialog_id'],
                ['unique' => false, 'columns' => 'dialog_id'],
                ['unique' => false, 'columns' => 'user_id,unread_hint,deleted,dialog_id,read_count,is_muted,last_read_number,notified_number'],
                ['unique' => false, 'columns' => 'user_id,deleted,list_number,dialog_id'],
                ['unique' => false, 'columns' => 'user_id,deleted,counted'],
            ],
        ],
    ];
}

/**
 * The engine's own table, which EspoCRM's metadata does not declare: ebla_chat_schema() makes it
 * (the package's install script runs it) and EspoCRM's rebuild must leave it alone.
 */
function chatReaderExpected(): array
{
    $counter = ['type' => 'bigint', 'null' => false, 'default' => '0'];

    return [
        'columns' => [
            'id' => ['type' => 'varchar', 'null' => false, 'default' => null],
            'activity' => $counter,
            'dialog_count' => $counter,
        ],
        'primary' => 'id',
        'indexes' => [],
    ];
}

/** The live table in the canonical shape; null when the table does not exist. */
function chatSchemaLive(PDO $pdo, string $table): ?array
{
    $pg = $pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'pgsql';
    $schema = $pg ? 'current_schema()' : 'DATABASE()';
    $sth = $pdo->prepare(
        "SELECT column_name, data_type, is_nullable, column_default, character_maximum_length " .
        "FROM information_schema.columns WHERE table_schema = $schema AND table_name = ? ORDER BY ordinal_position"
    );
    $sth->execute([$table]);
    $columns = [];

    foreach ($sth->fetchAll(PDO::FETCH_NUM) as [$name, $type, $nullable, $default, $length]) {
        $type = strtolower($type);
        $type = match (true) {
            in_array($type, ['varchar', 'character varying'], true) => 'varchar',
            in_array($type, ['tinyint', 'boolean'], true) => 'bool',
            in_array($type, ['int', 'integer'], true) => 'int',
            $type === 'bigint' => 'bigint',
            str_starts_with($type, 'timestamp') || $type === 'datetime' => 'datetime',
            default => $type,
        };
        $default = $default === null || strtoupper($default) === 'NULL' || str_starts_with((string) $default, 'nextval(') ? null :
            preg_replace(['/::[a-z ]+$/', "/^'(.*)'$/"], ['', '$1'], (string) $default);
        $default = match ($default) {
            'NULL', 'null' => null,
            'false' => '0',
            'true' => '1',
            default => $default,
        };
        $columns[strtolower($name)] = ['type' => $type, 'null' => $nullable === 'YES', 'default' => $default, 'length' => $length === null ? null : (int) $length];
    }

    if ($columns === []) {
        return null;
    }

    if ($pg) {
        $sth = $pdo->prepare(
            "SELECT i.relname, ix.indisunique, ix.indisprimary, string_agg(a.attname, ',' ORDER BY k.n) " .
            "FROM pg_class t JOIN pg_namespace ns ON ns.oid = t.relnamespace AND ns.nspname = current_schema() " .
            "JOIN pg_index ix ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid " .
            "CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY k(attnum, n) " .
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum " .
            "WHERE t.relname = ? GROUP BY i.relname, ix.indisunique, ix.indisprimary"
        );
    } else {
        $sth = $pdo->prepare(
            "SELECT index_name, non_unique = 0, index_name = 'PRIMARY', GROUP_CONCAT(column_name ORDER BY seq_in_index SEPARATOR ',') " .
            "FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? GROUP BY index_name, non_unique"
        );
    }

    $sth->execute([$table]);
    $indexes = [];
    $primaryKey = null;

    foreach ($sth->fetchAll(PDO::FETCH_NUM) as [$name, $unique, $primary, $cols]) {
        if ($primary && $primary !== 'f') {
            $primaryKey = strtolower($cols);

            continue;
        }

        $indexes[] = ['name' => $name, 'unique' => $unique && $unique !== 'f', 'columns' => strtolower($cols)];
    }

    return ['columns' => $columns, 'indexes' => $indexes, 'primary' => $primaryKey];
}

/**
 * What differs between the expected and the live table, as readable lines (empty: the same).
 *
 * @return list<string>
 */
function chatSchemaDiff(string $table, array $expected, ?array $live): array
{
    if ($live === null) {
        return ["$table: missing"];
    }

    $diff = [];

    foreach ($expected['columns'] as $name => $want) {
        $have = $live['columns'][$name] ?? null;

        if ($have === null) {
            $diff[] = "$table.$name: missing";

            continue;
        }

        foreach (['type', 'null', 'default', 'length'] as $key) {
            if (array_key_exists($key, $want) && $want[$key] !== $have[$key]) {
                $diff[] = "$table.$name: $key " . json_encode($have[$key]) . ', expected ' . json_encode($want[$key]);
            }
        }
    }

    if (isset($expected['primary']) && $expected['primary'] !== ($live['primary'] ?? null)) {
        $diff[] = "$table: primary key " . json_encode($live['primary'] ?? null) . ", expected ({$expected['primary']})";
    }

    foreach ($expected['indexes'] as $want) {
        $found = false;

        foreach ($live['indexes'] as $have) {
            if ($have['columns'] === $want['columns'] && $have['unique'] === $want['unique']) {
                $found = true;
            }
        }

        if (!$found) {
            $diff[] = "$table: no " . ($want['unique'] ? 'unique ' : '') . "index on ({$want['columns']})";
        }
    }

    return $diff;
}

<?php
/*
 * Checks of the EspoCRM package that need no EspoCRM (run by tests/090-espocrm-package.phpt, or
 * alone: php -d extension=modules/ebla_chat.so tests/espocrm/static.php):
 * - every PHP file parses, every JSON file is valid;
 * - the Dialog metadata, read the way EspoCRM's rebuild reads it, makes the dialog and
 *   dialog_user columns and indexes the engine needs;
 * - routes: every route of the chat API, each action class present, static routes before the
 *   variable ones that would shadow them; every class named in metadata exists;
 * - the WebSocket categories the engine publishes are declared, every Dialog field has a label;
 * - the REST layer driven alone on SQLite (EspoCRM's classes stubbed): status mapping, the acl
 *   option, input checks, JSON shapes;
 * - the RESP parser and the Redis URL reader of the WebSocket messager;
 * - the package builds, with the extension's version.
 * Prints each failure and a last line "espocrm package: N checks, F failed".
 */

$repo = dirname(__DIR__, 2);
$pkg = "$repo/espocrm";
$module = "$pkg/files/custom/Espo/Modules/EblaChat";
$checks = 0;
$failed = 0;

function check(string $name, bool $ok, string $detail = ''): void
{
    global $checks, $failed;
    $checks++;

    if (!$ok) {
        $failed++;
        echo "FAIL $name" . ($detail !== '' ? ": $detail" : '') . "\n";
    }
}

function json(string $file): mixed
{
    return json_decode(file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
}

require __DIR__ . '/schema.php';

// ---------------------------------------------------------------- files
$files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($pkg, FilesystemIterator::SKIP_DOTS));
$php = $jsonFiles = 0;

foreach ($files as $file) {
    $path = $file->getPathname();

    if (str_starts_with($path, "$pkg/build/")) {   // the built zip, not the package's files
        continue;
    }

    if (str_ends_with($path, '.php')) {
        $php++;

        try {
            token_get_all(file_get_contents($path), TOKEN_PARSE);
            check("parses: $path", true);
        } catch (ParseError $e) {
            check("parses: $path", false, $e->getMessage() . ' line ' . $e->getLine());
        }
    } elseif (str_ends_with($path, '.json')) {
        $jsonFiles++;

        try {
            json($path);
            check("valid JSON: $path", true);
        } catch (JsonException $e) {
            check("valid JSON: $path", false, $e->getMessage());
        }
    }
}

check('PHP and JSON files found', $php > 20 && $jsonFiles > 20, "$php PHP, $jsonFiles JSON");

// ---------------------------------------------------------------- Dialog metadata -> tables
$meta = "$module/Resources/metadata";
$dialog = json("$meta/entityDefs/Dialog.json");
$userSide = json("$meta/entityDefs/User.json");
$snake = fn (string $name) => strtolower(preg_replace('/(?<!^)[A-Z]/', '_$0', $name));

/** One attribute as EspoCRM's converter and column preparator make it (the types the package uses). */
function column(array $defs, bool $entityField): array
{
    $type = $defs['type'];
    $notNull = $defs['notNull'] ?? null;

    return match ($type) {
        'varchar', 'enum' => ['type' => 'varchar', 'null' => true, 'default' => isset($defs['default']) ? (string) $defs['default'] : null, 'length' => $defs['maxLength'] ?? 255],
        'foreignId' => ['type' => 'varchar', 'null' => true, 'default' => null],
        'int' => ['type' => ($defs['dbType'] ?? '') === 'bigint' ? 'bigint' : 'int', 'null' => !$notNull, 'default' => isset($defs['default']) ? (string) $defs['default'] : null],
        // A bool field is NOT NULL (fields/bool.json); a bool additional column only with notNull.
        'bool' => ['type' => 'bool', 'null' => $entityField ? false : !$notNull, 'default' => (string) (int) ($defs['default'] ?? false)],
        'datetime' => ['type' => 'datetime', 'null' => true, 'default' => null],
        default => ['type' => "unsupported $type", 'null' => true, 'default' => null],
    };
}

$columns = [
    'id' => ['type' => 'varchar', 'null' => false, 'default' => null],
    'deleted' => ['type' => 'bool', 'null' => true, 'default' => '0'],
];
$indexes = [];

foreach ($dialog['fields'] as $name => $defs) {
    if (!empty($defs['notStorable']) || $defs['type'] === 'linkMultiple') {
        continue;
    }

    if ($defs['type'] === 'linkParent') {
        $columns[$snake($name) . '_id'] = ['type' => 'varchar', 'null' => true, 'default' => null];
        $columns[$snake($name) . '_type'] = ['type' => 'varchar', 'null' => true, 'default' => null, 'length' => 100];
        $indexes[] = ['unique' => false, 'columns' => $snake($name) . '_id,' . $snake($name) . '_type'];
    } elseif ($defs['type'] === 'link') {
        $columns[$snake($name) . '_id'] = ['type' => 'varchar', 'null' => true, 'default' => null];
        $indexes[] = ['unique' => false, 'columns' => $snake($name) . '_id'];
    } else {
        $columns[$snake($name)] = column($defs, true);
    }
}

foreach ($dialog['indexes'] ?? [] as $defs) {
    $indexes[] = ['unique' => ($defs['type'] ?? '') === 'unique', 'columns' => implode(',', array_map($snake, $defs['columns']))];
}

$users = $dialog['links']['users'];
check('Dialog.users and User.eblaDialogs make a many-to-many pair',
    $users['type'] === 'hasMany' && $users['entity'] === 'User' && $users['foreign'] === 'eblaDialogs'
    && ($userSide['links']['eblaDialogs']['type'] ?? '') === 'hasMany' && ($userSide['links']['eblaDialogs']['foreign'] ?? '') === 'users'
    && ($userSide['links']['eblaDialogs']['entity'] ?? '') === 'Dialog' && !isset($users['relationName']));
$midColumns = [
    'id' => ['type' => 'bigint', 'null' => false, 'default' => null],
    'dialog_id' => ['type' => 'varchar', 'null' => true, 'default' => null],
    'user_id' => ['type' => 'varchar', 'null' => true, 'default' => null],
    'deleted' => ['type' => 'bool', 'null' => true, 'default' => '0'],
];

foreach ($users['additionalColumns'] as $name => $defs) {
    $midColumns[$snake($name)] = column($defs, false);
}

// Mid-key indexes and the unique pair (user_id, dialog_id) are EspoCRM's own; declared ones add.
$midIndexes = [['unique' => true, 'columns' => 'user_id,dialog_id'], ['unique' => false, 'columns' => 'dialog_id'], ['unique' => false, 'columns' => 'user_id']];

foreach ($users['indexes'] ?? [] as $defs) {
    $midIndexes[] = ['unique' => ($defs['type'] ?? '') === 'unique', 'columns' => implode(',', array_map($snake, $defs['columns']))];
}

$model = ['dialog' => ['columns' => $columns, 'indexes' => $indexes], 'dialog_user' => ['columns' => $midColumns, 'indexes' => $midIndexes]];

foreach (chatSchemaExpected() as $table => $want) {
    $diff = chatSchemaDiff($table, $want, $model[$table]);
    check("metadata makes table $table as the engine needs it", $diff === [], implode('; ', $diff));
}

$scope = json("$meta/scopes/Dialog.json");
check('scope Dialog: entity, module EblaChat, acl, stream', $scope['entity'] === true && $scope['module'] === 'EblaChat' && $scope['acl'] === true && $scope['stream'] === true);
$aclDefs = json("$meta/aclDefs/Dialog.json");
check('aclDefs: membership access and ownership checkers', str_ends_with($aclDefs['accessCheckerClassName'], 'AccessChecker') && str_ends_with($aclDefs['ownershipCheckerClassName'], 'OwnershipChecker'));
check('module order after Crm (10)', json("$module/Resources/module.json")['order'] > 10);

// ---------------------------------------------------------------- routes and classes
$routes = json("$module/Resources/routes.json");
$have = [];

foreach ($routes as $route) {
    $have[strtoupper($route['method']) . ' ' . $route['route']] = $route['actionClassName'];
}

foreach ([
    'GET /EblaChat/dialogs', 'POST /EblaChat/dialogs', 'GET /EblaChat/dialogs/:id', 'GET /EblaChat/dialogs/:id/members',
    'POST /EblaChat/dialogs/:id/members', 'DELETE /EblaChat/dialogs/:id/members/:userId', 'GET /EblaChat/dialogs/:id/messages',
    'POST /EblaChat/dialogs/:id/messages', 'PUT /EblaChat/messages/:id', 'DELETE /EblaChat/messages/:id',
    'POST /EblaChat/dialogs/:id/read', 'PUT /EblaChat/dialogs/:id/mute', 'GET /EblaChat/unread', 'GET /EblaChat/poll',
    'GET /EblaChat/partners', 'POST /EblaChat/button', 'GET /Notification/action/notReadCount',
] as $route) {
    check("route $route", isset($have[$route]));
}

$classFile = function (string $class) use ($module): ?string {
    $prefix = 'Espo\\Modules\\EblaChat\\';

    return str_starts_with($class, $prefix) ? $module . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php' : null;
};

foreach ($routes as $i => $route) {
    $file = $classFile($route['actionClassName']);
    check("route {$route['route']}: action class exists", $file !== null && is_file($file), $route['actionClassName']);
    $regex = '#^' . preg_replace('#:[a-zA-Z]+#', '[^/]+', $route['route']) . '$#';

    // FastRoute refuses a static route registered after a variable route that matches it.
    foreach (array_slice($routes, $i + 1) as $later) {
        if ($later['method'] === $route['method'] && !str_contains($later['route'], ':') && str_contains($route['route'], ':')
            && preg_match($regex, $later['route'])) {
            check("static route {$later['route']} before {$route['route']}", false);
        }
    }
}

/** @return list<string> the package class names in a metadata value */
function packageClasses(mixed $value): array
{
    if (is_array($value)) {
        return array_merge([], ...array_map('packageClasses', array_values($value)));
    }

    return is_string($value) && str_starts_with($value, 'Espo\\Modules\\EblaChat\\') ? [$value] : [];
}

$referenced = [];

foreach (new RecursiveIteratorIterator(new RecursiveDirectoryIterator($meta, FilesystemIterator::SKIP_DOTS)) as $file) {
    array_push($referenced, ...packageClasses(json($file->getPathname())));
}

foreach (array_unique($referenced) as $class) {
    check("class named in metadata exists: $class", is_file($classFile($class)));
}

check('metadata names the package classes', count($referenced) >= 10, count($referenced) . ' references');

// Namespaces match paths (EspoCRM's PSR-4 autoload of custom/Espo/Modules).
foreach (new RecursiveIteratorIterator(new RecursiveDirectoryIterator($module, FilesystemIterator::SKIP_DOTS)) as $file) {
    if (!str_ends_with($file->getFilename(), '.php')) {
        continue;
    }

    $code = file_get_contents($file->getPathname());
    $relative = substr($file->getPathname(), strlen($module) + 1, -4);
    $expected = 'Espo\\Modules\\EblaChat\\' . str_replace('/', '\\', $relative);
    $ns = preg_match('/^namespace\s+([^;]+);/m', $code, $m) ? $m[1] : '';
    $class = preg_match('/^(?:abstract |final )?(?:class|interface)\s+(\w+)/m', $code, $m) ? $m[1] : '';
    check("PSR-4 name of $relative.php", "$ns\\$class" === $expected, "$ns\\$class");
}

$ws = json("$meta/app/webSocket.json");

foreach (['eblaChat.message', 'eblaChat.update', 'eblaChat.read', 'eblaChat.dialog', 'eblaChat.resync', 'popupNotifications.eblaChat'] as $category) {
    check("WebSocket category $category declared", isset($ws['categories'][$category]));
}

check('messager EblaRedis declared', isset($ws['messagers']['EblaRedis']['senderClassName'], $ws['messagers']['EblaRedis']['subscriberClassName']));
$labels = json("$module/Resources/i18n/en_US/Dialog.json")['fields'];

foreach (array_diff(array_keys($dialog['fields']), ['createdAt', 'modifiedAt', 'createdBy', 'modifiedBy']) as $field) {
    check("label of Dialog.$field", isset($labels[$field]));
}

// ---------------------------------------------------------------- scripts
foreach (['BeforeInstall', 'BeforeUninstall', 'AfterInstall', 'AfterUninstall'] as $script) {
    $code = file_get_contents("$pkg/scripts/$script.php");
    check("script $script: global class, no require of another script",
        preg_match("/^class $script\\b/m", $code) === 1 && !preg_match('/^namespace /m', $code) && !preg_match('/require|include/', $code));
}

// ---------------------------------------------------------------- the WebSocket messager's parts
spl_autoload_register(function (string $class) use ($classFile): void {
    $file = $classFile($class);

    if ($file !== null && is_file($file)) {
        require $file;
    }
});

use Espo\Modules\EblaChat\Classes\WebSocket\RedisTarget;
use Espo\Modules\EblaChat\Classes\WebSocket\RespError;
use Espo\Modules\EblaChat\Classes\WebSocket\RespParser;

$parser = new RespParser();
$stream = "*3\r\n\$9\r\nsubscribe\r\n\$14\r\nespo.websocket\r\n:1\r\n*3\r\n\$7\r\nmessage\r\n\$14\r\nespo.websocket\r\n\$13\r\n{\"topicId\":1}\r\n+OK\r\n-NOAUTH x\r\n*2\r\n\$4\r\npong\r\n\$0\r\n\r\n\$-1\r\n";
$replies = [];

foreach (str_split($stream, 3) as $chunk) {      // cut anywhere: the parser keeps what is incomplete
    array_push($replies, ...$parser->feed($chunk));
}

check('RESP: replies from a stream cut in 3-byte chunks', count($replies) === 6 && $replies[0] === ['subscribe', 'espo.websocket', 1]
    && $replies[1] === ['message', 'espo.websocket', '{"topicId":1}'] && $replies[2] === 'OK'
    && $replies[3] instanceof RespError && $replies[3]->message === 'NOAUTH x' && $replies[4] === ['pong', ''] && $replies[5] === null,
    json_encode($replies));
check('RESP: a payload with CRLF inside', (new RespParser())->feed("*3\r\n\$7\r\nmessage\r\n\$1\r\nc\r\n\$4\r\na\r\nb\r\n") === [['message', 'c', "a\r\nb"]]);
check('RESP: command encoding', RespParser::command('SUBSCRIBE', 'a:b') === "*2\r\n\$9\r\nSUBSCRIBE\r\n\$3\r\na:b\r\n");

try {
    (new RespParser())->feed("?junk\r\n");
    check('RESP: junk is refused', false);
} catch (UnexpectedValueException) {
    check('RESP: junk is refused', true);
}

$target = RedisTarget::fromUrl('tcp://:p%40ss@127.0.0.1:6380/2');
check('Redis URL: password, port', $target->uri === 'tcp://127.0.0.1:6380' && $target->password === 'p@ss' && $target->user === null
    && $target->authCommand() === RespParser::command('AUTH', 'p@ss'));
$target = RedisTarget::fromUrl('redis://u:pw@10.0.0.1');
check('Redis URL: ACL user, default port', $target->uri === 'tcp://10.0.0.1:6379' && $target->authCommand() === RespParser::command('AUTH', 'u', 'pw'));
$target = RedisTarget::fromUrl('unix:///run/redis.sock?password=x&db=1');
check('Redis URL: unix socket with query', $target->uri === 'unix:///run/redis.sock' && $target->password === 'x');
check('Redis URL: no password, no AUTH', RedisTarget::fromUrl('tcp://127.0.0.1')->authCommand() === null);

foreach (['', 'http://x', 'tcp://'] as $bad) {
    try {
        RedisTarget::fromUrl($bad);
        check("Redis URL refused: '$bad'", false);
    } catch (InvalidArgumentException) {
        check("Redis URL refused: '$bad'", true);
    }
}

require_once __DIR__ . '/stubs.php';
$member = new Espo\Core\WebSocket\FakeConnection();
$refused = new Espo\Core\WebSocket\FakeConnection();
$pusher = new Espo\Core\WebSocket\Pusher(['1' => $member, '2' => $refused], ['1' => ['streamUpdate.Dialog.d1', 'eblaChat.resync'], '2' => ['eblaChat.resync']]);
$log = new Espo\Core\Utils\Log();
$subscriber = new Espo\Modules\EblaChat\Classes\WebSocket\RedisSubscriber($log);
(fn () => $this->pusher = $pusher)->call($subscriber);
$deliver = fn (string $payload) => (fn () => $this->deliver($payload))->call($subscriber);
$deliver('{"createdById":"u1","topicId":"streamUpdate.Dialog.d1"}');
check('messager: a broadcast reaches only the subscriptions that passed the access check',
    count($member->events) === 1 && $member->events[0][0] === 'streamUpdate.Dialog.d1' && $refused->events === [] && $pusher->received === []);
$deliver('{"dialogId":"d1","userId":"u2","topicId":"eblaChat.message"}');
check('messager: an event for one user goes to the Pusher as it is', $pusher->received === ['{"dialogId":"d1","userId":"u2","topicId":"eblaChat.message"}']);
$deliver('not JSON');
$deliver('{"no":"topic"}');
$deliver('[1]');
check('messager: what is not a WebSocket submission is dropped and logged', count($pusher->received) === 1
    && count(array_filter($log->lines, fn ($l) => $l[0] === 'warning')) === 3);
(fn () => $this->resync('redis'))->call($subscriber);
check('messager: resync goes to every subscriber of eblaChat.resync', count($member->events) === 2 && count($refused->events) === 1
    && $refused->events[0][1]->reason === 'redis');

// ---------------------------------------------------------------- the package builds
$out = sys_get_temp_dir() . '/ebla-chat-static-' . getmypid();
exec(escapeshellarg(PHP_BINARY) . ' -n ' . escapeshellarg("$pkg/build.php") . ' --out=' . escapeshellarg($out), $lines, $status);
$zip = trim(end($lines) ?: '');
preg_match('/#define\s+PHP_EBLA_CHAT_VERSION\s+"([^"]+)"/', file_get_contents("$repo/php_ebla_chat.h"), $m);
check('build.php makes ebla-chat-<version>.zip', $status === 0 && basename($zip) === "ebla-chat-{$m[1]}.zip" && is_file($zip), implode("\n", $lines));

if (is_file($zip)) {
    $data = file_get_contents($zip);
    $names = [];
    $offset = 0;

    while (substr($data, $offset, 4) === "PK\x03\x04") {
        $h = unpack('vversion/vflags/vmethod/vtime/vdate/Vcrc/Vcsize/Vsize/vname/vextra', substr($data, $offset + 4, 26));
        $name = substr($data, $offset + 30, $h['name']);
        $body = substr($data, $offset + 30 + $h['name'] + $h['extra'], $h['csize']);
        $plain = $h['method'] === 8 ? gzinflate($body) : $body;
        $names[$name] = $plain !== false && crc32($plain) === $h['crc'] && strlen($plain) === $h['size'];
        $offset += 30 + $h['name'] + $h['extra'] + $h['csize'];
    }

    check('zip: every entry inflates to its CRC', $names !== [] && !in_array(false, $names, true));
    check('zip: manifest.json at the root, then files/ and scripts/', array_key_first($names) === 'manifest.json'
        && isset($names['files/custom/Espo/Modules/EblaChat/Resources/module.json'], $names['scripts/BeforeInstall.php']));
    $manifest = json_decode(gzinflate(substr($data, 30 + strlen('manifest.json'), unpack('V', substr($data, 18, 4))[1])), true);
    check('zip: manifest version is the extension\'s', ($manifest['version'] ?? '') === $m[1] && !empty($manifest['name']) && !empty($manifest['description']));
    array_map('unlink', glob("$out/*"));
    rmdir($out);
}

// ---------------------------------------------------------------- the REST layer alone
if (!extension_loaded('ebla_chat')) {
    check('ebla_chat loaded for the REST layer checks', false);
} else {
    restLayer();
}

function restLayer(): void
{
    $pdo = new PDO('sqlite::memory:', null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
    $user = function (string $name) use ($pdo): string {
        $id = ebla_chat_generate_id();
        $pdo->prepare("INSERT INTO \"user\" (id, deleted, user_name, type, is_active, first_name, last_name) VALUES (?, 0, ?, 'regular', 1, ?, 'T')")
            ->execute([$id, $name, ucfirst($name)]);

        return $id;
    };
    $team = function (array $userIds) use ($pdo): void {
        $id = ebla_chat_generate_id();
        $pdo->prepare('INSERT INTO team (id, name, deleted) VALUES (?, ?, 0)')->execute([$id, 'T']);

        foreach ($userIds as $userId) {
            $pdo->prepare('INSERT INTO team_user (team_id, user_id, deleted) VALUES (?, ?, 0)')->execute([$id, $userId]);
        }
    };
    $alice = $user('alice');
    $bob = $user('bob');
    $carol = $user('carol');
    $team([$alice, $bob]);
    $em = new Espo\ORM\EntityManager($pdo);
    $metadata = new Espo\Core\Utils\Metadata(['entityDefs' => ['Dialog' => ['fields' => ['parent' => ['entityList' => ['Account']]]]]]);
    // The role tables give nobody any reach here: only the levels passed in `acl` let alice reach bob.
    $chatAcl = new Espo\Core\Acl(['Dialog' => ['read' => 'own', 'create' => 'yes'], 'User' => ['read' => 'team']]);
    $engine = fn (string $id, ?Espo\Core\Acl $acl = null) => new Espo\Modules\EblaChat\Classes\Engine(
        $em, new Espo\Entities\User($id), $acl ?? $chatAcl, new Espo\Core\Utils\Config(), $metadata);
    $call = function (string $action, string $actor, array $route = [], array $query = [], array|string|null $body = null, ?Espo\Core\Acl $acl = null) use ($engine): array {
        $class = 'Espo\\Modules\\EblaChat\\Api\\' . $action;
        $request = new Espo\Core\Api\FakeRequest($route, $query, is_array($body) ? json_encode($body) : $body);

        try {
            $response = (new $class($engine($actor, $acl)))->process($request);

            return [200, $response->body, ''];
        } catch (Espo\Core\Exceptions\BadRequest $e) {
            return [400, null, $e->getMessage()];
        } catch (Espo\Core\Exceptions\Forbidden $e) {
            return [403, null, $e->getMessage()];
        } catch (Espo\Core\Exceptions\NotFound $e) {
            return [404, null, $e->getMessage()];
        } catch (Throwable $e) {
            return [500, null, get_class($e) . ': ' . $e->getMessage()];
        }
    };

    [$status, $body] = $call('OpenDialog', $alice, [], [], ['memberIds' => [$bob]]);
    $dialog = json_decode((string) $body, true);
    check('API: open a direct dialog with the levels of the acl option (User read team)', $status === 200 && ($dialog['type'] ?? '') === 'direct', "$status $body");
    [$status, , $reason] = $call('OpenDialog', $alice, [], [], ['memberIds' => [$carol]]);
    check('API: a user outside the team is 403 with the engine\'s reason', $status === 403 && $reason !== '', "$status $reason");
    [$status] = $call('OpenDialog', $alice, [], [], ['memberIds' => [$bob]], new Espo\Core\Acl(['Dialog' => ['read' => 'own', 'create' => 'no'], 'User' => ['read' => 'team']]));
    check('API: no Dialog create access is 403 before the engine', $status === 403);
    [$status] = $call('GetUnread', $alice, [], [], null, new Espo\Core\Acl(['Dialog' => ['read' => 'no']]));
    check('API: no Dialog read access is 403', $status === 403);
    $id = $dialog['id'] ?? '';
    [$status, $body] = $call('PostMessage', $alice, ['id' => $id], [], ['text' => 'hello']);
    $message = json_decode((string) $body, true);
    check('API: post', $status === 200 && ($message['text'] ?? '') === 'hello', "$status $body");
    [$status, , $reason] = $call('PostMessage', $alice, ['id' => $id], [], '{"text": ');
    check('API: invalid JSON is 400', $status === 400 && str_contains($reason, 'JSON'), "$status $reason");
    [$status] = $call('PostMessage', $alice, ['id' => $id], [], '"text"');
    check('API: a JSON scalar body is 400', $status === 400);
    [$status] = $call('PostMessage', $alice, ['id' => $id], [], ['text' => ['x']]);
    check('API: a list as text is 400', $status === 400);
    [$status] = $call('PostMessage', $alice, ['id' => $id], [], ['text' => 'x', 'attachmentsIds' => 'y']);
    check('API: attachmentsIds not a list is 400', $status === 400);
    [$status] = $call('PostMessage', $carol, ['id' => $id], [], ['text' => 'x']);
    check('API: a non-member posting is 403', $status === 403);
    [$status] = $call('GetDialog', $alice, ['id' => '0123456789abcdef0']);
    check('API: an unknown dialog is 404', $status === 404);
    [$status] = $call('GetDialog', $alice, ['id' => 'bad id!']);
    check('API: a malformed id is 400 or 404', $status === 400 || $status === 404);
    [$status, $body] = $call('GetUnread', $alice);
    check('API: unread with no dialogs is {"total":0,"dialogs":{}}', $status === 200 && $body === '{"total":0,"dialogs":{}}', "$status $body");
    [$status, $body] = $call('GetUnread', $bob);
    check('API: unread of the other member', $status === 200 && json_decode((string) $body, true) === ['total' => 1, 'dialogs' => [$id => 1]], "$status $body");
    [$status, $body] = $call('ListMessages', $bob, ['id' => $id], ['maxSize' => '10']);
    check('API: history as {list}', $status === 200 && count(json_decode((string) $body, true)['list'] ?? []) === 1, "$status $body");
    [$status] = $call('ListMessages', $bob, ['id' => $id], ['maxSize' => '1e3']);
    check('API: a non-integer maxSize is 400', $status === 400);
    [$status] = $call('ListMessages', $bob, ['id' => $id], ['maxSize' => '100000']);
    check('API: maxSize out of the engine\'s range is 400', $status === 400);
    [$status, $body] = $call('MarkRead', $bob, ['id' => $id], [], []);
    check('API: read with an empty list body is {unread, mentions, lastReadNumber}', $status === 200
        && json_decode((string) $body, true) === ['unread' => 0, 'mentions' => 0, 'lastReadNumber' => $message['number'] ?? -1], "$status $body");
    [$status] = $call('MarkRead', $bob, ['id' => $id], [], ['number' => '5']);
    check('API: a string as number is 400', $status === 400);
    [$status, $body] = $call('Mute', $bob, ['id' => $id], [], ['muted' => true]);
    check('API: mute returns the dialog', $status === 200 && (json_decode((string) $body, true)['muted'] ?? false) === true, "$status $body");
    [$status] = $call('Mute', $bob, ['id' => $id], [], []);
    check('API: mute without muted is 400', $status === 400);
    [$status, $body] = $call('ListDialogs', $alice, [], ['unreadOnly' => 'false', 'maxSize' => '5', 'offset' => '0']);
    check('API: dialog list', $status === 200 && (json_decode((string) $body, true)['total'] ?? 0) === 1, "$status $body");
    [$status] = $call('ListDialogs', $alice, [], ['unreadOnly' => 'maybe']);
    check('API: unreadOnly=maybe is 400', $status === 400);
    [$status] = $call('ListDialogs', $alice, [], ['parentType' => ['x']]);
    check('API: an array query parameter is 400', $status === 400);
    [$status, $body] = $call('ListPartners', $alice, [], ['q' => 'b']);
    check('API: partners follow the acl option', $status === 200 && array_column(json_decode((string) $body, true)['list'] ?? [], 'id') === [$bob], "$status $body");
    $call('Mute', $bob, ['id' => $id], [], ['muted' => false]);
    $call('PostMessage', $alice, ['id' => $id], [], ['text' => 'again']);
    [$status, $body] = $call('Poll', $bob, [], ['peek' => 'true']);
    [$status2, $body2] = $call('Poll', $bob, [], ['peek' => 'true']);
    check('API: poll with peek leaves the popups', $status === 200 && count(json_decode((string) $body, true)['popups'] ?? []) === 1
        && $body === $body2, "$status $body");
    [$status, $body] = $call('Poll', $bob, [], ['dialogId' => $id, 'after' => '0']);
    $poll = json_decode((string) $body, true);
    check('API: poll with the open dialog', $status === 200 && isset($poll['unread']['total']) && count($poll['messages'] ?? []) === 2
        && count($poll['popups'] ?? []) === 1, "$status $body");
    [$status, $body] = $call('Poll', $bob);
    check('API: a poll without peek consumed the popups', $status === 200 && (json_decode((string) $body, true)['popups'] ?? null) === [], "$status $body");
    [$status] = $call('EditMessage', $bob, ['id' => $message['id'] ?? ''], [], ['text' => 'not mine']);
    check('API: editing another\'s message is 403', $status === 403);
    [$status, $body] = $call('EditMessage', $alice, ['id' => $message['id'] ?? ''], [], ['text' => 'edited']);
    check('API: edit', $status === 200 && (json_decode((string) $body, true)['edited'] ?? false) === true, "$status $body");
    [$status] = $call('OpenDialog', $alice, [], [], ['memberIds' => [$bob], 'parentType' => 'Case', 'parentId' => 'x']);
    check('API: a parent type outside the parent field\'s list is 400', $status === 400);
    [$status] = $call('OpenDialog', $alice, [], [], ['memberIds' => [$bob], 'parentType' => 'Account']);
    check('API: parentType without parentId is 400', $status === 400);
    [$status] = $call('OpenDialog', $alice, [], [], ['memberIds' => [$bob], 'parentType' => 'Account', 'parentId' => '0123456789abcdef0']);
    check('API: an unknown parent record is 400 (no repository) or 404', $status === 400 || $status === 404);
    [$status, $body] = $call('OpenDialog', $alice, [], [], ['memberIds' => [$bob], 'name' => 'Ops']);
    $group = json_decode((string) $body, true);
    [$status] = $call('AddMembers', $alice, ['id' => $group['id'] ?? ''], [], ['userIds' => [$carol]]);
    check('API: adding a user outside the reach is 403', $status === 403);
    [$status, $body] = $call('RemoveMember', $alice, ['id' => $group['id'] ?? '', 'userId' => $bob]);
    check('API: remove a member is true', $status === 200 && $body === 'true', "$status $body");
    [$status, $body] = $call('DeleteMessage', $alice, ['id' => $message['id'] ?? '']);
    check('API: delete is true', $status === 200 && $body === 'true', "$status $body");
}

echo "espocrm package: $checks checks, $failed failed\n";

if (realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__) {
    exit($failed === 0 ? 0 : 1);
}

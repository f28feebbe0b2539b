<?php
/*
 * ebla_chat demo: one chat conversation on SQLite (no server), in a temporary database file.
 * Run it with `bash scripts/demo.sh`, or `php -d extension=modules/ebla_chat.so examples/demo.php`.
 * With ebla_chat.redis_url set, a child process subscribes to Redis and prints the live events.
 */
declare(strict_types=1);

use EblaChat\BadRequestException;
use EblaChat\ForbiddenException;

if (!extension_loaded('ebla_chat')) {
    fwrite(STDERR, "ebla_chat is not loaded: run php -d extension=modules/ebla_chat.so examples/demo.php\n");
    exit(1);
}

$file = tempnam(sys_get_temp_dir(), 'ebla_chat_demo_');
register_shutdown_function(static fn () => @unlink($file));
$pdo = new PDO("sqlite:$file", null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
$names = [];                                   // user id => display name, for the transcript

function h(string $title): void { echo "\n== $title\n"; }
function insert(PDO $pdo, string $table, array $row): void
{
    $sql = sprintf('INSERT INTO "%s" (%s) VALUES (%s)', $table, implode(', ', array_keys($row)), rtrim(str_repeat('?, ', count($row)), ', '));
    $pdo->prepare($sql)->execute(array_values($row));
}
function user(PDO $pdo, string $userName, string $first, string $last, string $type = 'regular'): string
{
    global $names;
    $id = ebla_chat_generate_id();
    insert($pdo, 'user', ['id' => $id, 'deleted' => 0, 'user_name' => $userName, 'type' => $type, 'is_active' => 1,
        'first_name' => $first, 'last_name' => $last, 'created_at' => gmdate('Y-m-d H:i:s')]);
    return $names[$id] = "$first $last";
}
/** An upload as EspoCRM's client leaves it before the post: role Attachment, parent_id NULL. */
function upload(PDO $pdo, string $ownerId, string $name, string $type, int $size): string
{
    $id = ebla_chat_generate_id();
    insert($pdo, 'attachment', ['id' => $id, 'name' => $name, 'deleted' => 0, 'type' => $type, 'size' => $size,
        'role' => 'Attachment', 'parent_type' => 'Note', 'field' => 'attachments', 'storage' => 'EspoUploadDir',
        'created_by_id' => $ownerId, 'created_at' => gmdate('Y-m-d H:i:s')]);
    return $id;
}
function show(array $m): void
{
    global $names;
    $notes = array_map(fn ($a) => "{$a['name']} ({$a['type']}, {$a['size']} bytes)", $m['attachments']);
    if ($m['voice']) { $notes[] = 'voice'; }
    if ($m['edited']) { $notes[] = 'edited'; }
    if ($m['mentions']) { $notes[] = 'mentions ' . implode(', ', array_map(fn ($id) => $names[$id], $m['mentions'])); }
    printf("  #%d %s: %s%s\n", $m['number'], $m['authorName'], $m['text'] === '' ? '-' : $m['text'], $notes ? '  [' . implode('; ', $notes) . ']' : '');
}
function badges(PDO $pdo, string $userId): void
{
    global $names;
    $u = ebla_chat_unread($pdo, $userId);
    $rows = [];
    foreach (ebla_chat_dialog_list($pdo, $userId)['list'] as $d) {
        $rows[] = sprintf('%s %d%s%s', $d['name'], $d['unread'], $d['mentions'] ? " (@{$d['mentions']})" : '', $d['muted'] ? ' muted' : '');
    }
    printf("  %-12s bell %d | %s\n", $names[$userId] . ':', $u['total'], implode(', ', $rows));
}

h('Schema (EBLA_CHAT_SCHEMA_CORE: EspoCRM 8.4 core tables plus dialog, dialog_user)');
printf("  ebla_chat %s: %d statements; a second run: %d\n", ebla_chat_version(),
    count(ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE)), count(ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE)));

h('Users, teams, roles');
$ada = array_search(user($pdo, 'ada', 'Ada', 'Admin', 'admin'), $names);
$bob = array_search(user($pdo, 'bob', 'Bob', 'Baker'), $names);
$carol = array_search(user($pdo, 'carol', 'Carol', 'Clark'), $names);
$dan = array_search(user($pdo, 'dan', 'Dan', 'Diaz'), $names);
$pia = array_search(user($pdo, 'pia', 'Pia', 'Portal', 'portal'), $names);
$role = ebla_chat_generate_id();                // "Staff": may read users of their own teams
insert($pdo, 'role', ['id' => $role, 'name' => 'Staff', 'deleted' => 0, 'data' => '{"User":{"read":"team"}}']);
foreach (['Sales' => [$bob, $carol], 'Support' => [$carol, $dan]] as $team => $members) {
    $teamId = ebla_chat_generate_id();
    insert($pdo, 'team', ['id' => $teamId, 'name' => $team, 'deleted' => 0]);
    insert($pdo, 'role_team', ['role_id' => $role, 'team_id' => $teamId, 'deleted' => 0]);
    foreach ($members as $m) {
        insert($pdo, 'team_user', ['team_id' => $teamId, 'user_id' => $m, 'deleted' => 0]);
    }
    printf("  team %-7s %s (role Staff: User read = team)\n", $team, implode(', ', array_map(fn ($id) => $names[$id], $members)));
}
echo "  Ada Admin is an admin, Pia Portal a portal user\n";

h('Direct dialog: Bob writes to Carol');
$direct = ebla_chat_dialog_open($pdo, $bob, [$carol]);
$again = ebla_chat_dialog_open($pdo, $carol, [$bob]);
printf("  Bob sees \"%s\" (%s); Carol opening it from her side gets the same dialog: %s\n",
    $direct['name'], $direct['type'], $again['id'] === $direct['id'] ? 'yes' : 'no');
show(ebla_chat_post($pdo, $bob, $direct['id'], 'Hi Carol, the Q3 numbers are in.'));
show(ebla_chat_post($pdo, $carol, $direct['id'], 'Thanks @bob, send them over?'));
$pdf = upload($pdo, $bob, 'q3-report.pdf', 'application/pdf', 48213);
show(ebla_chat_post($pdo, $bob, $direct['id'], 'Here you go.', [$pdf]));
$ogg = upload($pdo, $bob, 'voice-message.ogg', 'audio/ogg', 9120);
show(ebla_chat_post($pdo, $bob, $direct['id'], '', [$ogg], ['voice' => true]));
$row = $pdo->query("SELECT parent_type, parent_id, field FROM attachment WHERE id = '$pdf'")->fetch(PDO::FETCH_NUM);
printf("  the upload now belongs to the post: parent_type %s, field %s\n", $row[0], $row[2]);

h('Unread badges and the bell (ebla_chat_unread, dialog rows)');
badges($pdo, $carol);
badges($pdo, $bob);

h('Popups for Carol: shown once, the next poll has none');
foreach (ebla_chat_popups($pdo, $carol) as $p) {
    printf("  popup: %s, %d unread, last: \"%s\"\n", $p['name'], $p['unread'], $p['lastMessage']['text'] ?: '(voice message)');
}
printf("  second call: %d popups\n", count(ebla_chat_popups($pdo, $carol)));

h('Group dialog "Q3 launch" (created by Carol)');
$group = ebla_chat_dialog_open($pdo, $carol, [$bob, $dan], ['name' => 'Q3 launch']);
printf("  %s, %s, %d members\n", $group['name'], $group['type'], count($group['memberIds']));
show(ebla_chat_post($pdo, $carol, $group['id'], 'Kick-off tomorrow at 10. @dan can you bring the support stats?'));
$typo = ebla_chat_post($pdo, $dan, $group['id'], 'Sure, I will brign them.');
show($typo);
show(ebla_chat_message_edit($pdo, $dan, $typo['id'], 'Sure, I will bring them.'));
$oops = ebla_chat_post($pdo, $bob, $group['id'], 'wrong window, sorry');
show($oops);
ebla_chat_message_delete($pdo, $bob, $oops['id']);
echo "  Bob deleted #{$oops['number']}\n";
foreach (['1: goals', '2: support stats, @dan', '3: budget', '4: dates'] as $item) {
    ebla_chat_post($pdo, $carol, $group['id'], "Agenda item $item");
}
badges($pdo, $dan);

h('History pages (newest first, 3 per page, then "before")');
$before = null;
for ($page = 1; $page <= 3; $page++) {
    $list = ebla_chat_messages($pdo, $dan, $group['id'], ['limit' => 3] + ($before ? ['before' => $before] : []));
    printf("  page %d: %s\n", $page, $list ? implode(', ', array_map(fn ($m) => "#{$m['number']}", $list)) : '(end)');
    $before = $list ? end($list)['number'] : $before;
}
printf("  since #%d (\"after\"): %s\n", $typo['number'], implode(', ', array_map(fn ($m) => "#{$m['number']}", ebla_chat_messages($pdo, $dan, $group['id'], ['after' => $typo['number']]))));

h('Mark read');
printf("  Dan reads up to #%d: %d still unread\n", $typo['number'] + 2, ebla_chat_mark_read($pdo, $dan, $group['id'], $typo['number'] + 2));
printf("  Dan reads everything: %d unread\n", ebla_chat_mark_read($pdo, $dan, $group['id']));

h('Mute: Bob mutes "Q3 launch"; the badge stays, the bell and popups ignore it');
printf("  popups for Bob before: %s\n", implode(', ', array_column(ebla_chat_popups($pdo, $bob), 'name')));
ebla_chat_dialog_mute($pdo, $bob, $group['id'], true);
ebla_chat_post($pdo, $carol, $group['id'], 'Room changed to B2.');
badges($pdo, $bob);
printf("  popups for Bob after a new message: %d\n", count(ebla_chat_popups($pdo, $bob)));

h('Chat button on Case "Printer jams" (assigned to Carol), opened by Dan');
$caseId = ebla_chat_generate_id();            // the record lives in EspoCRM's `case` table
$onCase = ebla_chat_dialog_open($pdo, $dan, [$carol], ['parentType' => 'Case', 'parentId' => $caseId]);
$reused = ebla_chat_dialog_open($pdo, $dan, [$carol], ['parentType' => 'Case', 'parentId' => $caseId]);
printf("  dialog \"%s\" on %s; pressing the button again reuses it: %s\n", $onCase['name'], $onCase['parentType'], $reused['id'] === $onCase['id'] ? 'yes' : 'no');
show(ebla_chat_post($pdo, $dan, $onCase['id'], 'The customer says it jams on every duplex job.'));
$panel = ebla_chat_dialog_list($pdo, $carol, ['parentType' => 'Case', 'parentId' => $caseId]);
printf("  Carol's side panel on the Case: %d dialog(s): %s\n", $panel['total'], implode(', ', array_column($panel['list'], 'name')));
printf("  Ada (admin, not a member) reads it: %d message(s)\n", count(ebla_chat_messages($pdo, $ada, $onCase['id'])));

h('Refused');
$tries = [
    'Bob (Sales) opens a dialog with Dan (Support)' => fn () => ebla_chat_dialog_open($pdo, $bob, [$dan]),
    'Pia (portal) opens a dialog with Carol' => fn () => ebla_chat_dialog_open($pdo, $pia, [$carol]),
    'Bob posts into the Case dialog'         => fn () => ebla_chat_post($pdo, $bob, $onCase['id'], 'hello?'),
    'Carol edits Dan\'s message'             => fn () => ebla_chat_message_edit($pdo, $carol, $typo['id'], 'x'),
    'an unknown option'                      => fn () => ebla_chat_dialog_list($pdo, $bob, ['sort' => 'name']),
];
foreach ($tries as $what => $try) {
    try {
        $try();
        echo "  $what: allowed?!\n";
    } catch (ForbiddenException | BadRequestException $e) {
        $message = preg_replace('/\b([0-9a-f]{17}|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})\b/', '<id>', $e->getMessage()); // ids differ per run
        printf("  %s: %s: %s\n", $what, substr(strrchr(get_class($e), '\\'), 1), $message);
    }
}
if (function_exists('ebla_chat_can_chat')) {
    printf("  may Bob chat with Dan (no shared team)? %s\n", ebla_chat_can_chat($pdo, $bob, $dan) ? 'yes' : 'no');
}

if (ini_get('ebla_chat.redis_url') && function_exists('ebla_chat_subscribe')) {
    h('Real time: a subscriber in another process receives the events of one post');
    $cmd = [PHP_BINARY];
    if (trim((string) shell_exec(escapeshellarg(PHP_BINARY) . ' -r ' . escapeshellarg('echo (int) extension_loaded("ebla_chat");'))) !== '1') {
        array_push($cmd, '-d', 'extension=' . realpath(__DIR__ . '/../modules/ebla_chat.so'));
    }
    foreach (ini_get_all('ebla_chat', false) as $key => $value) {
        array_push($cmd, '-d', "$key=$value");
    }
    $channel = function_exists('ebla_chat_fanout_channel') ? ebla_chat_fanout_channel($carol) : ini_get('ebla_chat.redis_prefix') . 'espo.websocket';
    array_push($cmd, '-r', <<<'CHILD'
        $names = json_decode($argv[2], true);
        try {
            ebla_chat_subscribe([$argv[1]], function (...$args) use ($names) {
                foreach ($args as $a) {
                    $e = is_array($a) ? $a : (is_string($a) ? json_decode($a, true) : null);
                    if (is_array($e) && isset($e['topicId'])) {
                        $to = isset($e['userId']) ? ' -> ' . ($names[$e['userId']] ?? $e['userId']) : '';
                        echo "  live: {$e['topicId']}$to", isset($e['unread']) ? " (unread {$e['unread']})" : '', "\n";
                        return !str_starts_with($e['topicId'], 'streamUpdate.');
                    }
                }
                return true;
            }, 5.0);
        } catch (EblaChat\ConnectionException $e) {
            echo "  subscriber: ", $e->getMessage(), "\n";
        }
        CHILD, '--', $channel, json_encode($names));
    $child = proc_open($cmd, [1 => ['pipe', 'w']], $pipes);
    usleep(500000);                               // let it subscribe
    ebla_chat_post($pdo, $carol, $group['id'], 'See you all at 10.');
    echo stream_get_contents($pipes[1]);
    proc_close($child);
    if (function_exists('ebla_chat_fanout_status')) {
        $s = ebla_chat_fanout_status();
        printf("  fan-out: %s, %d published, %d failed\n", $s['state'], $s['published'], $s['failed']);
    }
}

h('Done');
echo "  The messages are ordinary EspoCRM stream posts: ",
    $pdo->query("SELECT COUNT(*) FROM note WHERE type = 'Post' AND parent_type = 'Dialog' AND deleted = 0")->fetchColumn(),
    " live `note` rows with parent Dialog\n";

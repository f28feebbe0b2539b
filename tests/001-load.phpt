--TEST--
ebla_chat loads with its functions, constants, exception classes and INI entries
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
var_dump(ebla_chat_version() === (new ReflectionExtension('ebla_chat'))->getVersion());
var_dump(EBLA_CHAT_SCHEMA_CORE);
foreach (['NotFoundException' => 'RuntimeException', 'ForbiddenException' => 'RuntimeException',
          'BadRequestException' => 'InvalidArgumentException', 'ConnectionException' => 'RuntimeException'] as $class => $parent) {
    $fq = "EblaChat\\$class";
    echo $fq, ': ', var_export(is_subclass_of($fq, $parent) && is_subclass_of($fq, 'EblaChat\Exception'), true), "\n";
}
var_dump(interface_exists('EblaChat\Exception'));
foreach (['redis_url', 'redis_prefix', 'redis_timeout', 'redis_retry_interval', 'redis_sharded', 'id_type',
          'max_message_length', 'max_attachments', 'portal_enabled'] as $ini) {
    echo "ebla_chat.$ini=", var_export(ini_get("ebla_chat.$ini"), true), "\n";
}
var_dump(in_array('pdo', (new ReflectionExtension('ebla_chat'))->getDependencies() ? array_keys((new ReflectionExtension('ebla_chat'))->getDependencies()) : [], true));
ob_start();
phpinfo(INFO_MODULES);
$info = ob_get_clean();
var_dump(str_contains($info, 'ebla_chat support => enabled'), str_contains($info, 'hiredis version'));
?>
--EXPECT--
bool(true)
int(1)
EblaChat\NotFoundException: true
EblaChat\ForbiddenException: true
EblaChat\BadRequestException: true
EblaChat\ConnectionException: true
bool(true)
ebla_chat.redis_url=''
ebla_chat.redis_prefix=''
ebla_chat.redis_timeout='0.5'
ebla_chat.redis_retry_interval='5'
ebla_chat.redis_sharded='0'
ebla_chat.id_type='id'
ebla_chat.max_message_length='65535'
ebla_chat.max_attachments='20'
ebla_chat.portal_enabled='1'
bool(true)
bool(true)
bool(true)

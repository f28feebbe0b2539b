<?php
/*
 * Ebla Chat for EspoCRM: refuses to be installed when the ebla_chat PHP extension is not loaded in
 * the PHP that runs this (the web server's for Administration > Extensions, the CLI's for
 * "php command.php extension").
 */

use Espo\Core\Container;

class BeforeInstall
{
    public function run(Container $container, array $params = []): void
    {
        if (extension_loaded('ebla_chat') && function_exists('ebla_chat_post')) {
            return;
        }

        throw new RuntimeException(
            'Ebla Chat needs the ebla_chat PHP extension, which is not loaded in this PHP (' .
            PHP_VERSION . ', SAPI ' . PHP_SAPI . ', php.ini ' . (php_ini_loaded_file() ?: 'none') . '). ' .
            'Install it with "pecl install ebla_chat", add "extension=ebla_chat" to the php.ini of every ' .
            'PHP that runs EspoCRM (web server or PHP-FPM, CLI for cron and the WebSocket daemon), ' .
            'restart PHP and try again.'
        );
    }
}

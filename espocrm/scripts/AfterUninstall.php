<?php
/*
 * Ebla Chat for EspoCRM: uninstalling keeps the data. The dialog, dialog_user and dialog_reader
 * tables and the messages (note rows with parent Dialog) stay; installing again picks them up.
 *
 * The WebSocket messager EblaRedis goes away with the package: left configured, EspoCRM would
 * fail on every save that notifies ("No sender for messager"). It is unset (EspoCRM's default
 * messager again) and WebSocket is switched off; the administrator switches it on again once a
 * messager works.
 */

use Espo\Core\Container;

class AfterUninstall
{
    public function run(Container $container, array $params = []): void
    {
        if (!empty($params['isUpgrade'])) {
            return;
        }

        $config = $container->getByClass(Espo\Core\Utils\Config::class);

        if ($config->get('webSocketMessager') !== 'EblaRedis') {
            return;
        }

        $writer = $container->getByClass(Espo\Core\InjectableFactory::class)
            ->create(Espo\Core\Utils\Config\ConfigWriter::class);
        $writer->set('webSocketMessager', null);
        $writer->set('useWebSocket', false);
        $writer->save();

        $container->getByClass(Espo\Core\Utils\Log::class)
            ->warning('Ebla Chat uninstalled: webSocketMessager EblaRedis unset and useWebSocket switched off.');
    }
}

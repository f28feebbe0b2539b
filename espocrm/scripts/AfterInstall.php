<?php
/*
 * Ebla Chat for EspoCRM, after the files are copied and EspoCRM's rebuild made the dialog and
 * dialog_user tables from the Dialog metadata: ebla_chat_schema() must find nothing to do. If it
 * did something (a table EspoCRM did not make as declared), that is logged, the chat still works.
 * The engine's own dialog_reader table (the readers' watermarks) is not in EspoCRM's metadata:
 * creating it is expected.
 */

use Espo\Core\Container;

class AfterInstall
{
    public function run(Container $container, array $params = []): void
    {
        $entityManager = $container->getByClass(Espo\ORM\EntityManager::class);
        $ran = array_values(array_filter(ebla_chat_schema($entityManager->getPDO()),
            fn (string $statement): bool => !str_contains($statement, 'dialog_reader')));

        if ($ran !== []) {
            $container->getByClass(Espo\Core\Utils\Log::class)
                ->warning('Ebla Chat: ebla_chat_schema() completed the tables: ' . implode('; ', $ran));
        }
    }
}

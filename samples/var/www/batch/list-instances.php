<?php
// List this region's EC2 instance ids (needs a PHP layer on Lambda).
require __DIR__ . '/vendor/autoload.php';
$ec2 = new Aws\Ec2\Ec2Client(['region' => getenv('AWS_REGION'), 'version' => '2016-11-15']);
foreach ($ec2->describeInstances()['Reservations'] as $r) {
    foreach ($r['Instances'] as $i) {
        echo $i['InstanceId'], PHP_EOL;
    }
}

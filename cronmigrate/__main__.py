from cronmigrate.entry import main

main()

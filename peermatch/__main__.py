from peermatch.cli import main

main()
